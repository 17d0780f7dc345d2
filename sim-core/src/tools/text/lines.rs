//! The line tools: `head`, `tail`, `wc`, `cat`, `sort`, `uniq`, `cut`, `tr`, `tee`, `nl`,
//! `rev`, `tac`.

use super::Filter;

/// The filter for `name`, or None if it is not one of these tools.
pub fn parse(
    _name: &str,
    _args: &[String],
    _busybox: bool,
) -> Option<Result<Box<dyn Filter>, (String, i32)>> {
    None
}
