//! The generators: `printf`, `seq`, `date`, `basename`, `dirname`: they print from their
//! arguments and read no input.

use super::Filter;

/// The filter for `name`, or None if it is not one of these tools.
pub fn parse(
    _name: &str,
    _args: &[String],
    _busybox: bool,
) -> Option<Result<Box<dyn Filter>, (String, i32)>> {
    None
}
