//! Drawing: the state onto a ratatui buffer. Every name is escaped before it gets here
//! and is cut by display width (CJK and emoji take two columns, a character is never
//! split).

use super::keys::{label, KEYS};
use super::state::{Sort, State, View};
use crate::render::human::{
    bar, bytes, count, percent, truncate_left, truncate_right, width, with_si,
};
use crate::tree::classify::tiers::Tier;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::Frame;

fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, max: usize, style: Style) -> usize {
    let area = buf.area;
    if y >= area.bottom() || x >= area.right() {
        return 0;
    }
    let room = usize::from(area.right() - x).min(max);
    let t = truncate_right(text, room);
    buf.set_stringn(x, y, &t, room, style);
    width(&t)
}

fn fill(buf: &mut Buffer, y: u16, style: Style) {
    let area = buf.area;
    if y < area.bottom() {
        buf.set_style(Rect::new(area.x, y, area.width, 1), style);
    }
}

fn tier_style(t: Tier) -> Style {
    match t {
        Tier::Safe => Style::default().fg(Color::Green),
        Tier::Careful => Style::default().fg(Color::Yellow),
        Tier::Confirm => Style::default().fg(Color::Magenta),
        Tier::Never => Style::default().fg(Color::Red),
    }
}

fn month(t: i64) -> String {
    if t == i64::MIN {
        return String::new();
    }
    crate::model::month::Month::of(t).map_or_else(String::new, |m| m.to_string())
}

/// The progress frame shown while the scan runs.
pub fn draw_progress(frame: &mut Frame, line: &str) {
    let area = frame.area();
    let buf = frame.buffer_mut();
    let w = usize::from(area.width);
    let head = Style::default().add_modifier(Modifier::REVERSED);
    fill(buf, area.y, head);
    put(
        buf,
        area.x,
        area.y,
        " wechat-inspect browse · scanning (read-only)",
        w,
        head,
    );
    put(
        buf,
        area.x + 1,
        area.y + 2,
        &truncate_left(line, w.saturating_sub(2)),
        w,
        Style::default(),
    );
    put(
        buf,
        area.x + 1,
        area.y + 3,
        "q or Ctrl-C stops",
        w,
        Style::default(),
    );
}

/// Draw the browser.
pub fn draw(state: &mut State, frame: &mut Frame) {
    let area = frame.area();
    let si = state.si;
    with_si(si, || draw_inner(state, frame.buffer_mut(), area));
}

fn draw_inner(state: &mut State, buf: &mut Buffer, area: Rect) {
    let w = usize::from(area.width);
    let h = area.height;
    if h < 5 || w < 20 {
        put(buf, area.x, area.y, "window too small", w, Style::default());
        return;
    }
    if state.help {
        draw_help(state, buf, area);
        return;
    }
    let head = Style::default().add_modifier(Modifier::REVERSED);
    let view = match state.view {
        View::Meaning => "by meaning",
        View::Folders => "by folder",
    };
    let title = state.current().map_or(String::new(), |l| l.title.clone());
    fill(buf, area.y, head);
    let used = put(buf, area.x, area.y, &format!(" {view} · "), w, head);
    put(
        buf,
        area.x + used as u16,
        area.y,
        &truncate_left(&title, w.saturating_sub(used + 1)),
        w,
        head,
    );
    // Columns.
    let wide = w >= 80;
    let extra = w >= 110;
    let reason_col = w >= 100;
    let size_w = 10;
    let mut header = format!(
        " {:>size_w$} {:>6} ",
        if state.apparent { "size" } else { "on disk" },
        "share"
    );
    if wide {
        header.push_str(&format!("{:<10} ", ""));
    }
    header.push_str(&format!("{:<7} ", "tier"));
    if extra {
        header.push_str(&format!("{:>9} {:<7} ", "files", "written"));
    }
    let fixed = width(&header);
    let rest = w.saturating_sub(fixed);
    let (name_w, reason_w) = if reason_col {
        let n = rest * 55 / 100;
        (n, rest - n - 1)
    } else {
        (rest, 0)
    };
    header.push_str(&format!("{:<name_w$}", "name"));
    if reason_col {
        header.push_str(" why");
    }
    let dim = Style::default().add_modifier(Modifier::BOLD);
    put(buf, area.x, area.y + 1, &header, w, dim);
    let list_h = usize::from(h - 4);
    state.page = list_h;
    let total = state.level_total();
    let (cursor, top) = {
        let Some(l) = state.stack.last_mut() else {
            return;
        };
        if l.cursor < l.top {
            l.top = l.cursor;
        }
        if l.cursor >= l.top + list_h {
            l.top = l.cursor + 1 - list_h;
        }
        (l.cursor, l.top)
    };
    let rows: Vec<_> = state
        .current()
        .map(|l| l.rows.iter().skip(top).take(list_h).cloned().collect())
        .unwrap_or_default();
    for (k, r) in rows.iter().enumerate() {
        let y = area.y + 2 + k as u16;
        let selected = top + k == cursor;
        let base = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        if selected {
            fill(buf, y, base);
        }
        let size = state.shown_size(r);
        let mark = if state.is_marked(r) { "*" } else { " " };
        let mut line = format!(
            "{mark}{:>size_w$} {:>6} ",
            bytes(size),
            percent(size, total)
        );
        if wide {
            line.push_str(&format!("{:<10} ", bar(size, total, 10)));
        }
        let mut x = area.x + put(buf, area.x, y, &line, w, base) as u16;
        put(
            buf,
            x,
            y,
            r.tier.id(),
            7,
            if selected { base } else { tier_style(r.tier) },
        );
        x += 8;
        if extra {
            put(
                buf,
                x,
                y,
                &format!("{:>9} {:<7} ", count(r.files), month(r.newest)),
                18,
                base,
            );
            x += 18;
        }
        put(buf, x, y, &r.name, name_w, base);
        if reason_col {
            x += name_w as u16 + 1;
            put(buf, x, y, r.reason, reason_w, base);
        }
    }
    if rows.is_empty() {
        let msg = if state.is_empty() {
            "nothing was scanned"
        } else {
            "(empty)"
        };
        put(buf, area.x + 1, area.y + 2, msg, w, Style::default());
    }
    // Status: a message, or the selected row's tier and reason.
    let status_y = area.y + h - 2;
    let status = if state.status.is_empty() {
        state
            .selected()
            .map(|r| format!("{}: {}", r.tier.id(), r.reason))
            .unwrap_or_default()
    } else {
        state.status.clone()
    };
    put(buf, area.x, status_y, &status, w, Style::default());
    let (n, marked) = state.marked_bytes();
    let sort = match state.sort {
        Sort::Size => "size",
        Sort::Name => "name",
        Sort::Count => "count",
        Sort::Age => "age",
    };
    let arrow = if state.reverse { "↑" } else { "↓" };
    let foot = if wide {
        format!(
            " {} · {} marked ({}) · sort {sort}{arrow} · {} · ? help · q quit",
            bytes(total),
            n,
            bytes(marked),
            if state.apparent {
                "apparent"
            } else {
                "on disk"
            },
        )
    } else {
        format!(
            " {} · {n} marked · {sort}{arrow} · ? help · q quit",
            bytes(total)
        )
    };
    fill(buf, area.y + h - 1, head);
    put(buf, area.x, area.y + h - 1, &foot, w, head);
}

fn draw_help(state: &State, buf: &mut Buffer, area: Rect) {
    let w = usize::from(area.width);
    let head = Style::default().add_modifier(Modifier::REVERSED);
    fill(buf, area.y, head);
    put(buf, area.x, area.y, " help · any key closes", w, head);
    let lines = KEYS.iter().map(|(keys, _, text)| {
        let k: Vec<String> = keys.iter().map(label).collect();
        format!(" {:<22} {text}", k.join(" "))
    });
    let notes = [
        String::new(),
        " Tiers: safe (WeChat rebuilds it), careful (your media), confirm (backups,".to_string(),
        " the 3.x tree after the move to 4.x), never (databases, keys, settings).".to_string(),
        " There is no delete key: on quit the marks become a plan (-o FILE) or a list.".to_string(),
        format!(
            " By meaning, a folder is grouped by the files directly in it{}.",
            if state.view == View::Meaning {
                " (this view)"
            } else {
                ""
            }
        ),
    ];
    for (y, line) in (area.y + 1..area.y + area.height).zip(lines.chain(notes)) {
        put(buf, area.x, y, &line, w, Style::default());
    }
}
