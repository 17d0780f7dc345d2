//! Go's `text/tabwriter`, which kubectl's describers write through (`tabbedString` in
//! describe.go): cells end at `\t`, lines at `\n`, and a column is as wide as the widest
//! cell of the run of consecutive lines that have a cell in it (a "column block"), plus
//! the padding. A line with fewer cells ends the blocks of the columns it lacks, which
//! is why a `Containers:` line (no tab) starts the alignment afresh.
//!
//! kubectl 1.5 pads with tabs (`Init(buf, 0, 8, 1, '\t', 0)`: a cell's width is rounded
//! up to a multiple of 8 and filled with tabs); today's kubectl pads with spaces
//! (`Init(buf, 0, 8, 2, ' ', 0)`), and `kubectl get`'s tables with 3 spaces and a
//! minimum width of 6 (`printers.GetNewTabWriter`).
//!
//! This follows Go's `format`/`writeLines` (go/src/text/tabwriter/tabwriter.go) for the
//! flags kubectl uses (none): left-aligned, no escapes, no discarded columns.

/// One configuration of the writer (Go's `Init` arguments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub minwidth: usize,
    pub tabwidth: usize,
    pub padding: usize,
    pub padchar: char,
}

/// kubectl 1.5's describers: `Init(buf, 0, 8, 1, '\t', 0)`.
pub const CLASSIC: Config = Config {
    minwidth: 0,
    tabwidth: 8,
    padding: 1,
    padchar: '\t',
};

/// Today's describers: `Init(buf, 0, 8, 2, ' ', 0)`.
pub const MODERN: Config = Config {
    minwidth: 0,
    tabwidth: 8,
    padding: 2,
    padchar: ' ',
};

/// `kubectl get`'s and `api-resources`' tables: `NewWriter(out, 6, 4, 3, ' ', 0)`.
pub const TABLE: Config = Config {
    minwidth: 6,
    tabwidth: 4,
    padding: 3,
    padchar: ' ',
};

#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    /// Bytes of text in `buf`.
    size: usize,
    /// Width in characters (runes, as Go counts them).
    width: usize,
}

/// A writer: text goes in with `write`, formatted text comes out of `finish` (and
/// `flush`, which ends every column block, as kubectl's `PrefixWriter.Flush` does before
/// the Events table).
#[derive(Debug)]
pub struct Writer {
    cfg: Config,
    buf: String,
    cell: Cell,
    lines: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    out: String,
}

impl Writer {
    pub fn new(cfg: Config) -> Self {
        Writer {
            cfg,
            buf: String::new(),
            cell: Cell::default(),
            lines: vec![Vec::new()],
            widths: Vec::new(),
            out: String::new(),
        }
    }

    pub fn write(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\t' | '\n' => {
                    self.terminate_cell();
                    if c == '\n' {
                        self.lines.push(Vec::new());
                    }
                }
                c => {
                    self.buf.push(c);
                    self.cell.size += c.len_utf8();
                    self.cell.width += 1;
                }
            }
        }
    }

    fn terminate_cell(&mut self) {
        let line = self.lines.last_mut().expect("one line at least");
        line.push(self.cell);
        self.cell = Cell::default();
    }

    /// Formats what was written so far.
    pub fn flush(&mut self) {
        if self.cell.size > 0 {
            self.terminate_cell();
        }
        let n = self.lines.len();
        self.format(0, 0, n);
        self.buf.clear();
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    /// Flushes and returns everything formatted.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }

    fn format(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        let mut line0 = line0;
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            // A cell in this column: print the lines before the block, then find the
            // block's width.
            pos = self.write_lines(pos, line0, this);
            line0 = this;
            let mut width = self.cfg.minwidth;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].width + self.cfg.padding);
                this += 1;
            }
            self.widths.push(width);
            pos = self.format(pos, line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(pos, line0, line1)
    }

    fn write_lines(&mut self, pos0: usize, line0: usize, line1: usize) -> usize {
        let mut pos = pos0;
        for i in line0..line1 {
            let line = self.lines[i].clone();
            for (j, c) in line.iter().enumerate() {
                if c.size > 0 {
                    self.out.push_str(&self.buf[pos..pos + c.size]);
                    pos += c.size;
                }
                if j < self.widths.len() {
                    self.pad(c.width, self.widths[j]);
                }
            }
            if i + 1 == self.lines.len() {
                // The last line has no newline: what is left of an unfinished cell.
                self.out.push_str(&self.buf[pos..pos + self.cell.size]);
                pos += self.cell.size;
            } else {
                self.out.push('\n');
            }
        }
        pos
    }

    fn pad(&mut self, textw: usize, cellw: usize) {
        if self.cfg.padchar == '\t' {
            let tw = self.cfg.tabwidth;
            if tw == 0 {
                return;
            }
            let cellw = cellw.div_ceil(tw) * tw;
            let n = cellw - textw;
            self.out.push_str(&"\t".repeat(n.div_ceil(tw)));
            return;
        }
        for _ in textw..cellw {
            self.out.push(self.cfg.padchar);
        }
    }
}

/// Formats `text` at once.
pub fn format(cfg: Config, text: &str) -> String {
    let mut w = Writer::new(cfg);
    w.write(text);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line without a tab ends the column blocks: the key/value runs on either side of
    /// `Containers:` align on their own, as in every `kubectl describe`.
    #[test]
    fn blocks_end_at_a_line_with_fewer_cells() {
        let text = "Name:\tweb\nNamespace:\tdefault\nContainers:\n  app:\n    Image:\tnginx\n    Restart Count:\t0\n";
        assert_eq!(
            format(MODERN, text),
            "Name:       web\nNamespace:  default\nContainers:\n  app:\n    Image:          nginx\n    Restart Count:  0\n"
        );
    }

    /// kubectl 1.5 pads with tabs: each cell is rounded up to a multiple of 8 columns
    /// (its width plus one), so `Name:` (5) gets two tabs when the block's widest key is
    /// `Controllers:` (12 + 1, rounded to 16), as seed 004's `describe pod` shows.
    #[test]
    fn tab_padding_rounds_to_tab_stops() {
        let text = "Name:\tredis-master-7jzcq\nControllers:\tReplicationController/redis-master\n";
        assert_eq!(
            format(CLASSIC, text),
            "Name:\t\tredis-master-7jzcq\nControllers:\tReplicationController/redis-master\n"
        );
        // A cell already at a stop's width minus the padding still gets one tab.
        assert_eq!(format(CLASSIC, "1234567\tx\n"), "1234567\tx\n");
        assert_eq!(format(CLASSIC, "12345678\tx\n"), "12345678\tx\n");
        assert_eq!(
            format(CLASSIC, "12345678\tx\nab\ty\n"),
            "12345678\tx\nab\t\ty\n"
        );
    }

    /// Nested columns: a second column's block is only the lines that have a cell in
    /// it, and an empty cell is padded like any other.
    #[test]
    fn columns_nest_and_empty_cells_pad() {
        let text = "a\tb\tc\nlonger\tx\n\tcontinued\n";
        assert_eq!(
            format(MODERN, text),
            "a       b  c\nlonger  x\n        continued\n"
        );
        // The minimum width and the unfinished last line (no newline).
        assert_eq!(format(TABLE, "A\tB\nxy\tz"), "A     B\nxy    z");
    }

    /// `flush` ends every block, whatever follows.
    #[test]
    fn flush_ends_the_blocks() {
        let mut w = Writer::new(MODERN);
        w.write("Tolerations:\t<none>\n");
        w.flush();
        w.write("Events:\n  Type\tReason\n  ----\t------\n");
        assert_eq!(
            w.finish(),
            "Tolerations:  <none>\nEvents:\n  Type  Reason\n  ----  ------\n"
        );
    }
}
