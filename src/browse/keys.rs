//! Keys to actions: one table, which the help screen is drawn from.

use super::state::{Action, Sort};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key as the table names it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    Char(char),
    Code(KeyCode),
}

/// (keys, action, help text), in help order.
pub(crate) const KEYS: &[(&[Key], Action, &str)] = &[
    (
        &[Key::Char('j'), Key::Code(KeyCode::Down)],
        Action::Down,
        "down",
    ),
    (&[Key::Char('k'), Key::Code(KeyCode::Up)], Action::Up, "up"),
    (
        &[
            Key::Char('l'),
            Key::Code(KeyCode::Enter),
            Key::Code(KeyCode::Right),
        ],
        Action::Open,
        "open (a folder's files are listed now, read-only)",
    ),
    (
        &[
            Key::Char('h'),
            Key::Code(KeyCode::Left),
            Key::Code(KeyCode::Backspace),
        ],
        Action::Back,
        "back up",
    ),
    (
        &[Key::Char('g'), Key::Code(KeyCode::Home)],
        Action::Top,
        "first row",
    ),
    (
        &[Key::Char('G'), Key::Code(KeyCode::End)],
        Action::Bottom,
        "last row",
    ),
    (
        &[Key::Code(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
    ),
    (&[Key::Code(KeyCode::PageUp)], Action::PageUp, "page up"),
    (
        &[Key::Char('t')],
        Action::ToggleView,
        "by meaning / by folder",
    ),
    (
        &[Key::Char('s')],
        Action::Sort(Sort::Size),
        "sort by size (again: reverse)",
    ),
    (&[Key::Char('n')], Action::Sort(Sort::Name), "sort by name"),
    (
        &[Key::Char('C')],
        Action::Sort(Sort::Count),
        "sort by file count",
    ),
    (
        &[Key::Char('M')],
        Action::Sort(Sort::Age),
        "sort by last written",
    ),
    (
        &[Key::Char('a')],
        Action::ToggleApparent,
        "apparent size / size on disk",
    ),
    (
        &[Key::Char('u')],
        Action::ToggleUnits,
        "binary (KiB) / decimal (kB) units",
    ),
    (
        &[Key::Char(' ')],
        Action::Mark,
        "mark for the plan (never-tier rows cannot be)",
    ),
    #[cfg(target_os = "macos")]
    (&[Key::Char('o')], Action::Reveal, "reveal in Finder"),
    (&[Key::Char('?')], Action::Help, "this help"),
    (
        &[Key::Char('q')],
        Action::Quit,
        "quit: marks become the plan",
    ),
];

/// The action for a key press, if any. Ctrl-C quits from anywhere, the help screen
/// included (raw mode turns it into a key).
pub(crate) fn action(ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if ev.modifiers.contains(KeyModifiers::CONTROL) {
        return matches!(ev.code, KeyCode::Char('c')).then_some(Action::Interrupt);
    }
    KEYS.iter().find_map(|(keys, a, _)| {
        keys.iter()
            .any(|k| match (k, ev.code) {
                (Key::Char(c), KeyCode::Char(e)) => *c == e,
                (Key::Code(c), e) => *c == e,
                _ => false,
            })
            .then_some(*a)
    })
}

/// A key's label in the help.
pub(crate) fn label(k: &Key) -> String {
    match k {
        Key::Char(' ') => "Space".into(),
        Key::Char(c) => c.to_string(),
        Key::Code(KeyCode::Down) => "↓".into(),
        Key::Code(KeyCode::Up) => "↑".into(),
        Key::Code(KeyCode::Left) => "←".into(),
        Key::Code(KeyCode::Right) => "→".into(),
        Key::Code(KeyCode::Enter) => "Enter".into(),
        Key::Code(KeyCode::Backspace) => "Backspace".into(),
        Key::Code(KeyCode::Home) => "Home".into(),
        Key::Code(KeyCode::End) => "End".into(),
        Key::Code(KeyCode::PageDown) => "PgDn".into(),
        Key::Code(KeyCode::PageUp) => "PgUp".into(),
        Key::Code(c) => format!("{c:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(action(&k('j')), Some(Action::Down));
        assert_eq!(action(&k('C')), Some(Action::Sort(Sort::Count)));
        assert_eq!(action(&k('x')), None);
        // No delete key of any kind.
        assert_eq!(action(&k('d')), None);
        assert_eq!(
            action(&KeyEvent::new(KeyCode::Delete, KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Interrupt)
        );
        assert_eq!(
            action(&KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
            Some(Action::Back)
        );
        #[cfg(not(target_os = "macos"))]
        assert_eq!(action(&k('o')), None);
    }
}
