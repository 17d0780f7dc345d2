//! A script parsed with `brush-parser` (a maintained POSIX/bash parser), turned into the
//! small tree the interpreter walks. Words stay as written: they are expanded when run.

use std::rc::Rc;

use brush_parser::ast;

/// A command of the tree. Children are shared (`Rc`): a loop runs its body many times.
#[derive(Debug)]
pub enum Node {
    Simple(Simple),
    /// `a | b | c`, `! a`.
    Pipeline {
        bang: bool,
        stages: Vec<Rc<Node>>,
    },
    /// `a && b || c`: the first, then each with `true` for `&&`.
    AndOr {
        first: Rc<Node>,
        rest: Vec<(bool, Rc<Node>)>,
    },
    /// `a; b & c`: each with whether it runs in the background.
    List(Vec<(Rc<Node>, bool)>),
    If {
        branches: Vec<(Rc<Node>, Rc<Node>)>,
        otherwise: Option<Rc<Node>>,
    },
    Loop {
        until: bool,
        cond: Rc<Node>,
        body: Rc<Node>,
    },
    For {
        var: String,
        words: Option<Vec<String>>,
        body: Rc<Node>,
    },
    Case {
        word: String,
        items: Vec<(Vec<String>, Option<Rc<Node>>)>,
    },
    /// `{ ...; }` or `( ... )` (a subshell: its variables do not outlive it).
    Group {
        body: Rc<Node>,
        subshell: bool,
        redirs: Vec<Redir>,
    },
    Function {
        name: String,
        body: Rc<Node>,
    },
}

/// A simple command: `VAR=x cmd args >file`.
#[derive(Debug, Default)]
pub struct Simple {
    pub assigns: Vec<(String, String)>,
    pub words: Vec<String>,
    pub redirs: Vec<Redir>,
}

/// A redirection, its target word unexpanded.
#[derive(Clone, Debug)]
pub enum Redir {
    /// `N<FILE` (`read`), `N>FILE`, `N>>FILE` (`append`).
    File {
        fd: i32,
        read: bool,
        append: bool,
        target: String,
    },
    /// `N>&M`, `N<&M`.
    Dup { fd: i32, to: String },
    /// `<<EOF` and `<<<word`: the text given as stdin.
    Here { fd: i32, text: String, expand: bool },
    /// `&>FILE`, `&>>FILE`.
    Both { target: String, append: bool },
}

/// A syntax error: the token it stopped at (`None` at the end of the input), or the
/// tokenizer's complaint.
#[derive(Debug, PartialEq, Eq)]
pub enum SyntaxError {
    Near(String),
    End,
    Unterminated(char),
}

/// Parses a script. `Err` names what the real shells name in their messages.
pub fn parse(script: &str) -> Result<Rc<Node>, SyntaxError> {
    let mut reader = std::io::BufReader::new(script.as_bytes());
    let options = brush_parser::ParserOptions {
        sh_mode: true,
        ..Default::default()
    };
    let mut parser = brush_parser::Parser::new(&mut reader, &options);
    match parser.parse_program() {
        Ok(p) => Ok(Rc::new(Node::List(
            p.complete_commands
                .iter()
                .flat_map(|c| list_items(c))
                .collect(),
        ))),
        Err(brush_parser::ParseError::ParsingNear(pos)) => Err(SyntaxError::Near(
            offending(script, Some(pos.index)).unwrap_or_else(|| token_at(script, pos.index)),
        )),
        Err(brush_parser::ParseError::ParsingAtEndOfInput) => {
            Err(offending(script, None).map_or(SyntaxError::End, SyntaxError::Near))
        }
        Err(brush_parser::ParseError::Tokenizing { inner, .. }) => {
            let text = inner.to_string();
            Err(if text.contains("single quote") {
                SyntaxError::Unterminated('\'')
            } else if text.contains("double quote") {
                SyntaxError::Unterminated('"')
            } else if text.contains("backquote") {
                SyntaxError::Unterminated('`')
            } else {
                SyntaxError::End
            })
        }
    }
}

/// The parser reports where it could go no further, which is the token after a closing
/// reserved word that has nothing to close (`echo a; done`): that word, as the shells name
/// it. `at` is the reported position, `None` for the end of the input.
fn offending(script: &str, at: Option<usize>) -> Option<String> {
    const CLOSERS: [&str; 5] = ["done", "fi", "esac", "}", ")"];
    const OPENERS: [&str; 5] = ["then", "do", "else", "elif", "in"];
    let toks = brush_parser::tokenize_str(script).ok()?;
    let before = match at {
        None => toks.last()?,
        Some(i) => {
            let k = toks.iter().position(|t| t.location().start.index >= i)?;
            toks.get(k.checked_sub(1)?)?
        }
    };
    let word = before.to_str();
    if CLOSERS.contains(&word) || at.is_some() && OPENERS.contains(&word) {
        return Some(word.to_string());
    }
    None
}

/// The token that starts at byte `index` of the script.
fn token_at(script: &str, index: usize) -> String {
    let rest = script.get(index..).unwrap_or_default();
    let rest = rest.trim_start();
    for op in [";;", "&&", "||", ";", "&", "|", "(", ")", "\n"] {
        if rest.starts_with(op) {
            return if op == "\n" {
                "newline".into()
            } else {
                op.into()
            };
        }
    }
    rest.split(|c: char| c.is_whitespace() || ";&|()".contains(c))
        .next()
        .unwrap_or_default()
        .to_string()
}

fn list_items(list: &ast::CompoundList) -> Vec<(Rc<Node>, bool)> {
    list.0
        .iter()
        .map(|ast::CompoundListItem(ao, sep)| {
            (and_or(ao), matches!(sep, ast::SeparatorOperator::Async))
        })
        .collect()
}

fn list(l: &ast::CompoundList) -> Rc<Node> {
    let mut items = list_items(l);
    if items.len() == 1 && !items[0].1 {
        return items.pop().expect("one").0;
    }
    Rc::new(Node::List(items))
}

fn and_or(ao: &ast::AndOrList) -> Rc<Node> {
    let first = pipeline(&ao.first);
    if ao.additional.is_empty() {
        return first;
    }
    let rest = ao
        .additional
        .iter()
        .map(|a| match a {
            ast::AndOr::And(p) => (true, pipeline(p)),
            ast::AndOr::Or(p) => (false, pipeline(p)),
        })
        .collect();
    Rc::new(Node::AndOr { first, rest })
}

fn pipeline(p: &ast::Pipeline) -> Rc<Node> {
    let mut stages: Vec<Rc<Node>> = p.seq.iter().map(command).collect();
    if stages.len() == 1 && !p.bang {
        return stages.pop().expect("one");
    }
    Rc::new(Node::Pipeline {
        bang: p.bang,
        stages,
    })
}

fn command(c: &ast::Command) -> Rc<Node> {
    match c {
        ast::Command::Simple(s) => Rc::new(Node::Simple(simple(s))),
        ast::Command::Compound(c, redirs) => {
            let redirs: Vec<Redir> = redirs.iter().flat_map(|r| r.0.iter().map(redir)).collect();
            let node = compound(c);
            match (&*node, redirs.is_empty()) {
                (_, true) => node,
                (
                    Node::Group {
                        body,
                        subshell,
                        redirs: _,
                    },
                    false,
                ) => Rc::new(Node::Group {
                    body: body.clone(),
                    subshell: *subshell,
                    redirs,
                }),
                (_, false) => Rc::new(Node::Group {
                    body: node,
                    subshell: false,
                    redirs,
                }),
            }
        }
        ast::Command::Function(f) => Rc::new(Node::Function {
            name: f.fname.value.clone(),
            body: compound(&f.body.0),
        }),
        ast::Command::ExtendedTest(..) => Rc::new(Node::Simple(Simple {
            words: vec!["[[".into()],
            ..Simple::default()
        })),
    }
}

fn compound(c: &ast::CompoundCommand) -> Rc<Node> {
    use ast::CompoundCommand as C;
    match c {
        C::BraceGroup(g) => Rc::new(Node::Group {
            body: list(&g.list),
            subshell: false,
            redirs: Vec::new(),
        }),
        C::Subshell(g) => Rc::new(Node::Group {
            body: list(&g.list),
            subshell: true,
            redirs: Vec::new(),
        }),
        C::ForClause(f) => Rc::new(Node::For {
            var: f.variable_name.clone(),
            words: f
                .values
                .as_ref()
                .map(|ws| ws.iter().map(|w| w.value.clone()).collect()),
            body: list(&f.body.list),
        }),
        C::CaseClause(c) => Rc::new(Node::Case {
            word: c.value.value.clone(),
            items: c
                .cases
                .iter()
                .map(|i| {
                    (
                        i.patterns.iter().map(|w| w.value.clone()).collect(),
                        i.cmd.as_ref().map(list),
                    )
                })
                .collect(),
        }),
        C::IfClause(i) => {
            let mut branches = vec![(list(&i.condition), list(&i.then))];
            let mut otherwise = None;
            for e in i.elses.iter().flatten() {
                match &e.condition {
                    Some(c) => branches.push((list(c), list(&e.body))),
                    None => otherwise = Some(list(&e.body)),
                }
            }
            Rc::new(Node::If {
                branches,
                otherwise,
            })
        }
        C::WhileClause(w) | C::UntilClause(w) => Rc::new(Node::Loop {
            until: matches!(c, C::UntilClause(_)),
            cond: list(&w.0),
            body: list(&w.1.list),
        }),
        C::Arithmetic(a) => Rc::new(Node::Simple(Simple {
            words: vec!["((".into(), a.expr.value.clone()],
            ..Simple::default()
        })),
        C::ArithmeticForClause(_) | C::Coprocess(_) => Rc::new(Node::Simple(Simple {
            words: vec!["((".into()],
            ..Simple::default()
        })),
    }
}

fn simple(s: &ast::SimpleCommand) -> Simple {
    let mut out = Simple::default();
    for item in s.prefix.iter().flat_map(|p| p.0.iter()) {
        prefix_or_suffix(item, &mut out, true);
    }
    if let Some(w) = &s.word_or_name {
        out.words.push(w.value.clone());
    }
    for item in s.suffix.iter().flat_map(|p| p.0.iter()) {
        prefix_or_suffix(item, &mut out, false);
    }
    out
}

fn prefix_or_suffix(item: &ast::CommandPrefixOrSuffixItem, out: &mut Simple, prefix: bool) {
    use ast::CommandPrefixOrSuffixItem as I;
    match item {
        I::IoRedirect(r) => out.redirs.push(redir(r)),
        I::Word(w) => out.words.push(w.value.clone()),
        I::AssignmentWord(a, w) => match (&a.name, &a.value, prefix) {
            (ast::AssignmentName::VariableName(n), ast::AssignmentValue::Scalar(v), true) => {
                out.assigns.push((n.clone(), v.value.clone()))
            }
            _ => out.words.push(w.value.clone()),
        },
        I::ProcessSubstitution(..) => out.words.push("<(...)".into()),
    }
}

fn redir(r: &ast::IoRedirect) -> Redir {
    use ast::IoFileRedirectKind as K;
    use ast::IoFileRedirectTarget as T;
    match r {
        ast::IoRedirect::File(fd, kind, target) => {
            let read = matches!(kind, K::Read | K::DuplicateInput);
            let fd = fd.unwrap_or(if read { 0 } else { 1 });
            let word = match target {
                T::Filename(w) | T::Duplicate(w) => w.value.clone(),
                T::Fd(n) => n.to_string(),
                T::ProcessSubstitution(..) => "<(...)".into(),
            };
            match (kind, target) {
                (K::DuplicateInput | K::DuplicateOutput, _) | (_, T::Fd(_) | T::Duplicate(_)) => {
                    Redir::Dup { fd, to: word }
                }
                _ => Redir::File {
                    fd,
                    read,
                    append: matches!(kind, K::Append),
                    target: word,
                },
            }
        }
        ast::IoRedirect::HereDocument(fd, h) => Redir::Here {
            fd: fd.unwrap_or(0),
            text: h.doc.value.clone(),
            expand: h.requires_expansion,
        },
        ast::IoRedirect::HereString(fd, w) => Redir::Here {
            fd: fd.unwrap_or(0),
            text: w.value.clone(),
            expand: true,
        },
        ast::IoRedirect::OutputAndError(w, append) => Redir::Both {
            target: w.value.clone(),
            append: *append,
        },
    }
}

/// Whether the script is one simple command with no redirection: real shells run it as
/// that command itself (bash and dash exec the last command of `-c`). Its words then.
pub fn lone_command(node: &Node) -> Option<&Simple> {
    match node {
        Node::List(items) if items.len() == 1 && !items[0].1 => lone_command(&items[0].0),
        Node::Simple(s) if s.redirs.is_empty() && !s.words.is_empty() => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_pipes_and_loops() {
        let n = parse("while true; do echo 'A alive'; sleep 5; done").unwrap();
        let Node::List(items) = &*n else { panic!() };
        assert!(matches!(&*items[0].0, Node::Loop { until: false, .. }));
        let n = parse("ps aux | grep docker && echo ok").unwrap();
        assert!(lone_command(&n).is_none());
        let n = parse("curl -s $X").unwrap();
        assert_eq!(lone_command(&n).unwrap().words, ["curl", "-s", "$X"]);
        assert!(lone_command(&parse("echo x > /tmp/a").unwrap()).is_none());
    }

    #[test]
    fn syntax_errors_name_the_token() {
        assert_eq!(
            parse("echo a; done").unwrap_err(),
            SyntaxError::Near("done".into())
        );
        assert_eq!(
            parse("echo 'a").unwrap_err(),
            SyntaxError::Unterminated('\'')
        );
        assert_eq!(parse("if true; then").unwrap_err(), SyntaxError::End);
    }
}
