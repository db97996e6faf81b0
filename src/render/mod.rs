//! Every renderer: each writes a model into one format on a `&mut dyn Write`. The
//! scan [`Report`] as table, JSON, CSV or HTML (the format switch lives here and nowhere
//! else); the `hosts` report in [`hosts`], the diff in [`diff`], the `dupes` report in
//! [`dupes`]; [`human`] formats
//! sizes and counts for the table and HTML views.

pub(crate) mod csv;
pub(crate) mod diff;
pub(crate) mod dupes;
pub(crate) mod hosts;
pub(crate) mod html;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod plan;
pub(crate) mod table;

use crate::model::hosts::HostsReport;
use crate::model::Report;
use std::io::{self, Write};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable sections, 80 columns.
    Table,
    /// The versioned JSON model (`docs/report-schema.json`).
    Json,
    /// Flat rows (columns documented in the README).
    Csv,
    /// One self-contained page with charts (inline CSS/SVG/JS, no requests).
    Html,
}

/// Which sections a command shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum View {
    /// `scan`: everything.
    #[default]
    Scan,
    /// `dbs`: the databases (and the issues).
    Databases,
    /// `plists`: the property lists (and the issues).
    Plists,
}

/// Rendering choices that are not part of the model.
#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    /// ANSI colour (table only).
    pub color: bool,
    pub view: View,
    /// The network footprint, for the HTML report's hosts section (html only).
    pub hosts: Option<&'a HostsReport>,
    /// Decimal units (table and HTML).
    pub si: bool,
    /// Chats the table lists.
    pub top_chats: usize,
    /// Columns the table may use (80 unless standard output is a wider terminal).
    pub width: usize,
}

impl Default for Style<'_> {
    fn default() -> Self {
        Style {
            color: false,
            view: View::Scan,
            hosts: None,
            si: false,
            top_chats: 15,
            width: 80,
        }
    }
}

/// Render `report` as `format` into `out`.
pub fn render(
    format: Format,
    report: &Report,
    style: Style<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    human::with_si(style.si, || match format {
        Format::Table => table::write(report, style, out),
        Format::Json => json::write(report, style.view, out),
        Format::Csv => csv::write(report, style.view, out),
        Format::Html => html::write(report, style.view, style.hosts, out),
    })
}
