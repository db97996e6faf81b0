//! The stable category ids every regular file is sorted into.

use serde::{Deserialize, Serialize};

/// What a file is, from WeChat's point of view. The ids are stable: they are in the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    ChatImages,
    ChatVideos,
    ChatVoice,
    ChatFiles,
    ChatOther,
    MessageDb,
    ContactDb,
    OtherDb,
    Favorites,
    Stickers,
    Avatars,
    Moments,
    Backups,
    MiniPrograms,
    Caches,
    Logs,
    Config,
    Other,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 18] = [
        Category::ChatImages,
        Category::ChatVideos,
        Category::ChatVoice,
        Category::ChatFiles,
        Category::ChatOther,
        Category::MessageDb,
        Category::ContactDb,
        Category::OtherDb,
        Category::Favorites,
        Category::Stickers,
        Category::Avatars,
        Category::Moments,
        Category::Backups,
        Category::MiniPrograms,
        Category::Caches,
        Category::Logs,
        Category::Config,
        Category::Other,
    ];

    /// Position in [`Category::ALL`], for array-indexed counters.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stable id used in JSON and CSV.
    pub fn id(self) -> &'static str {
        match self {
            Category::ChatImages => "chat-images",
            Category::ChatVideos => "chat-videos",
            Category::ChatVoice => "chat-voice",
            Category::ChatFiles => "chat-files",
            Category::ChatOther => "chat-other",
            Category::MessageDb => "message-db",
            Category::ContactDb => "contact-db",
            Category::OtherDb => "other-db",
            Category::Favorites => "favorites",
            Category::Stickers => "stickers",
            Category::Avatars => "avatars",
            Category::Moments => "moments",
            Category::Backups => "backups",
            Category::MiniPrograms => "mini-programs",
            Category::Caches => "caches",
            Category::Logs => "logs",
            Category::Config => "config",
            Category::Other => "other",
        }
    }

    /// A short human description, for tables and the HTML report.
    pub fn label(self) -> &'static str {
        match self {
            Category::ChatImages => "Chat images",
            Category::ChatVideos => "Chat videos",
            Category::ChatVoice => "Voice messages",
            Category::ChatFiles => "Received files",
            Category::ChatOther => "Other chat media",
            Category::MessageDb => "Message databases",
            Category::ContactDb => "Contact databases",
            Category::OtherDb => "Other databases",
            Category::Favorites => "Favorites",
            Category::Stickers => "Stickers",
            Category::Avatars => "Avatars",
            Category::Moments => "Moments",
            Category::Backups => "Backups",
            Category::MiniPrograms => "Mini-programs",
            Category::Caches => "Caches",
            Category::Logs => "Logs",
            Category::Config => "Configuration",
            Category::Other => "Other",
        }
    }

    /// The one colour this category has in every chart and legend (HTML report).
    /// Mid-tone, so white labels stay legible on it in light and dark themes.
    pub fn color(self) -> &'static str {
        match self {
            Category::ChatImages => "#2f6fc4",
            Category::ChatVideos => "#7b52c0",
            Category::ChatVoice => "#138a78",
            Category::ChatFiles => "#c9631a",
            Category::ChatOther => "#4f6f8f",
            Category::MessageDb => "#c0392b",
            Category::ContactDb => "#c2185b",
            Category::OtherDb => "#8d5a3b",
            Category::Favorites => "#a57a08",
            Category::Stickers => "#7d8f1c",
            Category::Avatars => "#00838f",
            Category::Moments => "#9c2d7a",
            Category::Backups => "#37474f",
            Category::MiniPrograms => "#2e7d32",
            Category::Caches => "#6c8290",
            Category::Logs => "#5d6d7e",
            Category::Config => "#7a6a58",
            Category::Other => "#808080",
        }
    }

    /// Parse a stable id back.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// The colour of a category id ([`Category::color`]); grey for an unknown id.
pub fn category_color(id: &str) -> &'static str {
    Category::from_id(id).map_or("#808080", Category::color)
}
