//! Administrative division codes (行政区划代码, GB/T 2260) as they appear in
//! identifiers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Province-level prefixes of GB/T 2260 division codes: the two leading
/// digits of every county-level code, plus `71` (Taiwan), `81` (Hong Kong),
/// `82` (Macao) and `83` (Taiwan residents' residence permits).
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, // 北京 天津 河北 山西 内蒙古
    21, 22, 23, // 辽宁 吉林 黑龙江
    31, 32, 33, 34, 35, 36, 37, // 上海 江苏 浙江 安徽 福建 江西 山东
    41, 42, 43, 44, 45, 46, // 河南 湖北 湖南 广东 广西 海南
    50, 51, 52, 53, 54, // 重庆 四川 贵州 云南 西藏
    61, 62, 63, 64, 65, // 陕西 甘肃 青海 宁夏 新疆
    71, 81, 82, 83, // 台湾 香港 澳门 (居住证)
];

pub(crate) fn is_known_province(prefix: u32) -> bool {
    PROVINCES.contains(&prefix)
}

/// The province-level prefixes an identifier may start with, for generating
/// test data.
pub fn province_prefixes() -> &'static [u32] {
    PROVINCES
}

/// A six-digit administrative division code taken from an identifier
/// (e.g. `410184`, Xinzheng City).
///
/// Only its province-level prefix is checked when the identifier is parsed:
/// division codes are renumbered over time and an identifier keeps the code
/// in force when it was issued.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Division(String);

impl Division {
    pub(crate) fn new(code: &str) -> Self {
        Self(code.to_owned())
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The province-level code, e.g. `410000` for `410184`.
    pub fn province(&self) -> String {
        format!("{}0000", self.0.get(..2).unwrap_or_default())
    }
}

impl fmt::Display for Division {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
