//! The bridge between the Targets screen and [`crate::targets`]: turns target progress into the
//! rows and details the views draw.

use crate::model::HolderKind;

use super::state::{State, TargetDetail};

/// Fill the Targets screen.
pub fn load(state: &mut State) {
    state.targets.rows.clear();
    state.targets.unavailable =
        Some("目标计算模块尚未接入本版本；可先用 yuanqi targets 查看。".to_string());
}

/// Breakdown, counting and close enterprises of one target.
pub fn detail(_state: &State, _id: i64) -> Option<TargetDetail> {
    None
}

/// The targets an enterprise or park counts toward: (target, why).
pub fn for_holder(_state: &State, _kind: HolderKind, _id: i64) -> Vec<(String, String)> {
    Vec::new()
}
