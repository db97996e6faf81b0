//! The one ordered classification table: where in a WeChat tree each category lives.
//!
//! Rules are tried top to bottom; the first whose scope contains the path and whose
//! pattern matches wins; no match means [`Category::Other`]. Each rule carries an
//! example path (container-relative, as [`super::classify`] sees it) that the tests
//! check maps to that very rule, and `docs/taxonomy.md` is generated from this table.
//! Database sidecars (`-wal`, `-shm`, `-journal`) are matched as their database.

use super::category::Category;
use super::Scope;

/// One row of the table.
#[derive(Debug)]
pub struct Rule {
    /// Which part of the tree the pattern is relative to.
    pub scope: Scope,
    /// Pattern (see [`super::pattern`]) relative to the scope's folder.
    pub pattern: &'static str,
    /// The category a match gets.
    pub category: Category,
    /// A container-relative example path this rule classifies.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by the tests and the taxonomy generator")
    )]
    pub example: &'static str,
}

macro_rules! rule {
    ($scope:ident, $pattern:literal, $cat:ident, $example:literal) => {
        Rule {
            scope: Scope::$scope,
            pattern: $pattern,
            category: Category::$cat,
            example: $example,
        }
    };
}

/// The classification table. Order matters: first match wins.
pub const RULES: &[Rule] = &[
    // ---- anywhere ----
    rule!(Any, "**/*.xlog", Logs,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/cache/2024-05/x.xlog"),
    // ---- WeChat 3.x: relative to Application Support/com.tencent.xinWeChat/<version>/ ----
    rule!(V3, "<md5>/Message/MessageTemp/*/Image/**", ChatImages,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Message/MessageTemp/9e20f478899dc29eb19741386f9343c8/Image/34221676858120_.pic.jpg"),
    rule!(V3, "<md5>/Message/MessageTemp/*/Video/**", ChatVideos,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Message/MessageTemp/9e20f478899dc29eb19741386f9343c8/Video/3422_1676858120.mp4"),
    rule!(V3, "<md5>/Message/MessageTemp/*/Audio/**", ChatVoice,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Message/MessageTemp/9e20f478899dc29eb19741386f9343c8/Audio/3423.aud.silk"),
    rule!(V3, "<md5>/Message/MessageTemp/*/File/**", ChatFiles,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Message/MessageTemp/9e20f478899dc29eb19741386f9343c8/File/report.pdf"),
    rule!(V3, "<md5>/Message/MessageTemp/**", ChatOther,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Message/MessageTemp/9e20f478899dc29eb19741386f9343c8/OpenData/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9.wav"),
    rule!(V3, "<md5>/{Message,Session,RevokeMsg,ChatSync}/**", MessageDb,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Message/msg_0.db"),
    rule!(V3, "<md5>/{Contact,Group,IContact,IGroup}/**", ContactDb,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Contact/wccontact_new2.db"),
    rule!(V3, "<md5>/Favorites/**", Favorites,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Favorites/favorites.db"),
    rule!(V3, "<md5>/Stickers/**", Stickers,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Stickers/fav.archive"),
    rule!(V3, "<md5>/Sns/**", Moments,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Sns/Data/sns.db"),
    rule!(V3, "<md5>/{Hardlink,FileStateSync,Account,Sync,MMLive,solitaire,voip,WebTemplate}/**", OtherDb,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/Hardlink/hldata.db"),
    rule!(V3, "<md5>/**/*.{db,sqlite,sqlite3}", OtherDb,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/1d35a41b3adb8b335cc59362ad55ee88/mediaData.db"),
    rule!(V3, "Avatar/**", Avatars,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/Avatar/0a1b2c3d.jpg"),
    rule!(V3, "Backup/**", Backups,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/Backup/1d35a41b3adb8b335cc59362ad55ee88/0123456789abcdef/Backup.db"),
    rule!(V3, "{MMResourceMgr,CGI}/**", Caches,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/MMResourceMgr/res.bin"),
    rule!(V3, "CrashReport/**", Logs,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/CrashReport/crash.log"),
    rule!(V3, "{KeyValue,MMappedKV}/**", Config,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/KeyValue/1d35a41b3adb8b335cc59362ad55ee88/KeyValue.db"),
    rule!(V3, "*", Config,
        "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/topinfo.data"),
    // ---- WeChat 4.x: relative to Documents/xwechat_files/<account>/ ----
    rule!(V4, "db_storage/message/media_*.db", ChatVoice,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/message/media_0.db-wal"),
    rule!(V4, "msg/attach/*/*/Img/**", ChatImages,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/attach/9e20f478899dc29eb19741386f9343c8/2024-05/Img/0a1b2c3d_t.dat"),
    rule!(V4, "msg/attach/*/*/Video/**", ChatVideos,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/attach/9e20f478899dc29eb19741386f9343c8/2024-05/Video/0a1b2c3d.mp4"),
    rule!(V4, "msg/video/**", ChatVideos,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/video/2024-05/0a1b2c3d.mp4"),
    rule!(V4, "msg/attach/*/*/Voice/**", ChatVoice,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/attach/9e20f478899dc29eb19741386f9343c8/2024-05/Voice/1.silk"),
    rule!(V4, "msg/file/**", ChatFiles,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/file/2024-05/report.pdf"),
    rule!(V4, "msg/attach/**", ChatOther,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/attach/9e20f478899dc29eb19741386f9343c8/2024-05/Rec/x.bin"),
    rule!(V4, "msg/migrate/**", Backups,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/migrate/BAK_0_MEDIA"),
    rule!(V4, "db_storage/{message,session}/**", MessageDb,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/message/message_0.db"),
    rule!(V4, "db_storage/contact/**", ContactDb,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/contact/contact.db"),
    rule!(V4, "{db_storage,business}/favorite/**", Favorites,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/favorite/favorite.db"),
    rule!(V4, "{db_storage,business}/emoticon/**", Stickers,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/business/emoticon/a.gif"),
    rule!(V4, "{db_storage,temp}/head_image/**", Avatars,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/temp/head_image/0a1b2c3d.jpg"),
    rule!(V4, "{db_storage,business}/sns/**", Moments,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/sns/sns.db"),
    rule!(V4, "db_storage/**", OtherDb,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/db_storage/hardlink/hardlink.db"),
    rule!(V4, "{cache,temp,business,resource}/**", Caches,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/cache/2024-05/Message/9e20f478899dc29eb19741386f9343c8/a.jpg"),
    rule!(V4, "apm_record/**", Logs,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/apm_record/process_duration/1.data"),
    rule!(V4, "config/**", Config,
        "Data/Documents/xwechat_files/wxid_a1_9f3c/config/account.cfg"),
    // ---- WeChat 4.x: relative to Documents/xwechat_files/ ----
    rule!(V4Root, "all_users/head_imgs/**", Avatars,
        "Data/Documents/xwechat_files/all_users/head_imgs/0a1b2c3d.jpg"),
    rule!(V4Root, "{Backup,old_backup}/**", Backups,
        "Data/Documents/xwechat_files/old_backup/0a1b2c3d/2F1E3D4C-0000-4000-8000-000000000001/BAK_0_MEDIA"),
    rule!(V4Root, "all_users/**", Config,
        "Data/Documents/xwechat_files/all_users/config/global_config"),
    // ---- elsewhere in the container's Data/ ----
    rule!(Data, ".wxapplet/**", MiniPrograms,
        "Data/.wxapplet/WMPF/cache/a.bin"),
    rule!(Data, "Documents/app_data/radium/Applet/**", MiniPrograms,
        "Data/Documents/app_data/radium/Applet/packages/wx0123456789abcdef/1/__APP__.wxapkg"),
    rule!(Data, "Library/Caches/com.tencent.xinWeChat/*/log/**", Logs,
        "Data/Library/Caches/com.tencent.xinWeChat/2.0b4.0.9/log/MM_20240102.log"),
    rule!(Data, "Library/Caches/Matrix/**", Logs,
        "Data/Library/Caches/Matrix/AppReboot/AppReboot.dat"),
    rule!(Data, "Documents/app_data/log/**", Logs,
        "Data/Documents/app_data/log/radium/run.log"),
    rule!(Data, "Library/{Caches,HTTPStorages,WebKit}/**", Caches,
        "Data/Library/Caches/com.tencent.xinWeChat/Cache.db-wal"),
    rule!(Data, "Documents/app_data/radium/**", Caches,
        "Data/Documents/app_data/radium/users/1/cache.bin"),
    rule!(Data, "Library/{Preferences,Cookies}/**", Config,
        "Data/Library/Preferences/com.tencent.xinWeChat.plist"),
    rule!(Data, "Documents/app_data/{lock,login,net}/**", Config,
        "Data/Documents/app_data/net/kvcomm/key_1_x.statistic"),
    rule!(Data, "Documents/app_data/*/lock.ini", Config,
        "Data/Documents/app_data/wxid_a1/lock.ini"),
];
