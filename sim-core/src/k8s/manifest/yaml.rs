//! YAML text to JSON values with positions (being written).
