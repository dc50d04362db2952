//! Liberty syntax: a tokenizer and a generic tree of groups and attributes.
//!
//! The Liberty grammar is small: a group is `kind ( args ) { ... }`, a simple attribute is
//! `name : value ;` and a complex attribute is `name ( args ) ;`. Comments are C style, a
//! backslash before a newline continues a line, and some libraries end a simple attribute at the
//! newline without a `;`. Typed extraction (the parent module, [`super::Liberty`]) works on
//! this tree.

use crate::error::{PowerError, Result};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

/// One attribute: `name : value ;` (simple) or `name ( v1, v2 ) ;` (complex).
#[derive(Debug, Clone)]
pub struct Attr {
    /// Attribute name.
    pub name: String,
    /// The value (simple) or the arguments (complex), quotes removed.
    pub values: Vec<String>,
    /// 1-based line.
    pub line: usize,
}

/// One group: `kind ( args ) { attributes and subgroups }`.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Group kind, e.g. `cell`, `pin`, `rise_power`.
    pub kind: String,
    /// Arguments in the parentheses, quotes removed.
    pub args: Vec<String>,
    /// 1-based line of the group's opening.
    pub line: usize,
    /// Attributes in file order.
    pub attrs: Vec<Attr>,
    /// Subgroups in file order.
    pub groups: Vec<Group>,
}

impl Group {
    /// The first value of the attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.values.first().map(String::as_str))
    }

    /// The attribute `name` itself, if present.
    pub fn attr_full(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// Subgroups of the given kind.
    pub fn groups_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups.iter().filter(move |g| g.kind == kind)
    }

    /// The first subgroup of the given kind.
    pub fn group(&self, kind: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.kind == kind)
    }
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '{' | '}' | ':' | ';' | ',' | '"')
}

fn tokenize(text: &str, file: &str) -> Result<Vec<Token>> {
    let err = |line, what: &str| PowerError::Liberty {
        file: file.to_string(),
        line,
        what: what.to_string(),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let (mut i, mut line) = (0usize, 1usize);
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() || c == '\\' {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let start = line;
            i += 2;
            loop {
                if i + 1 >= chars.len() {
                    return Err(err(start, "unterminated /* comment"));
                }
                if chars[i] == '*' && chars[i + 1] == '/' {
                    i += 2;
                    break;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '"' {
            let start = line;
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(err(start, "unterminated string")),
                    Some('"') => break,
                    Some('\\') if chars.get(i + 1) == Some(&'\n') => {
                        line += 1;
                        i += 1;
                    }
                    Some('\n') => {
                        line += 1;
                        s.push('\n');
                    }
                    Some(&ch) => s.push(ch),
                }
                i += 1;
            }
            i += 1;
            toks.push(Token {
                tok: Tok::Str(s),
                line: start,
            });
        } else if is_word_char(c) {
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) && chars[i] != '\\' {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            toks.push(Token {
                tok: Tok::Word(w),
                line,
            });
        } else {
            toks.push(Token {
                tok: Tok::Punct(c),
                line,
            });
            i += 1;
        }
    }
    Ok(toks)
}

struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    file: &'a str,
}

impl Parser<'_> {
    fn err(&self, line: usize, what: impl Into<String>) -> PowerError {
        PowerError::Liberty {
            file: self.file.to_string(),
            line,
            what: what.into(),
        }
    }

    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map_or(1, |t| t.line)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn expect_punct(&mut self, c: char) -> Result<()> {
        match self.peek() {
            Some(Tok::Punct(p)) if *p == c => {
                self.pos += 1;
                Ok(())
            }
            other => Err(self.err(self.line(), format!("expected '{c}', found {other:?}"))),
        }
    }

    /// Parses `( a, b, ... )` after the opening name; the '(' is next.
    fn args(&mut self) -> Result<Vec<String>> {
        self.expect_punct('(')?;
        let mut args = Vec::new();
        let mut cur = String::new();
        loop {
            let line = self.line();
            let t = self.toks.get(self.pos).map(|t| t.tok.clone());
            self.pos += 1;
            match t {
                None => return Err(self.err(line, "unterminated argument list")),
                Some(Tok::Punct(')')) => break,
                Some(Tok::Punct(',')) => args.push(std::mem::take(&mut cur)),
                Some(Tok::Word(w)) | Some(Tok::Str(w)) => {
                    if !cur.is_empty() {
                        cur.push(' ');
                    }
                    cur.push_str(&w);
                }
                Some(Tok::Punct(p)) => cur.push(p),
            }
        }
        if !cur.is_empty() || !args.is_empty() {
            args.push(cur);
        }
        Ok(args)
    }

    /// Parses the body of a group up to and including its closing '}'.
    fn body(&mut self, group: &mut Group) -> Result<()> {
        loop {
            let line = self.line();
            let name = match self.toks.get(self.pos).map(|t| t.tok.clone()) {
                None => {
                    return Err(self.err(group.line, format!("group {} not closed", group.kind)))
                }
                Some(Tok::Punct('}')) => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(Tok::Punct(';')) => {
                    self.pos += 1;
                    continue;
                }
                Some(Tok::Word(w)) | Some(Tok::Str(w)) => w,
                Some(Tok::Punct(p)) => return Err(self.err(line, format!("unexpected '{p}'"))),
            };
            self.pos += 1;
            match self.peek() {
                Some(Tok::Punct(':')) => {
                    self.pos += 1;
                    let values = self.simple_value(line)?;
                    group.attrs.push(Attr { name, values, line });
                }
                Some(Tok::Punct('(')) => {
                    let args = self.args()?;
                    if let Some(Tok::Punct('{')) = self.peek() {
                        self.pos += 1;
                        let mut sub = Group {
                            kind: name,
                            args,
                            line,
                            ..Group::default()
                        };
                        self.body(&mut sub)?;
                        group.groups.push(sub);
                    } else {
                        if let Some(Tok::Punct(';')) = self.peek() {
                            self.pos += 1;
                        }
                        group.attrs.push(Attr {
                            name,
                            values: args,
                            line,
                        });
                    }
                }
                other => {
                    return Err(self.err(
                        line,
                        format!("after '{name}' expected ':' or '(', found {other:?}"),
                    ))
                }
            }
        }
    }

    /// A simple attribute's value: tokens up to ';', or to the end of the line without one.
    fn simple_value(&mut self, line: usize) -> Result<Vec<String>> {
        let mut val = String::new();
        loop {
            let Some(t) = self.toks.get(self.pos) else {
                return Err(self.err(line, "attribute value not terminated"));
            };
            if t.line != line && !val.is_empty() {
                break;
            }
            match &t.tok {
                Tok::Punct(';') => {
                    self.pos += 1;
                    break;
                }
                Tok::Punct('}') => break,
                Tok::Word(w) | Tok::Str(w) => {
                    if !val.is_empty() {
                        val.push(' ');
                    }
                    val.push_str(w);
                }
                Tok::Punct(p) => val.push(*p),
            }
            self.pos += 1;
        }
        Ok(vec![val])
    }
}

/// Parses Liberty text into its top-level group (normally `library`).
pub fn parse(text: &str, file: &str) -> Result<Group> {
    let toks = tokenize(text, file)?;
    let mut p = Parser { toks, pos: 0, file };
    let line = p.line();
    let kind = match p.peek() {
        Some(Tok::Word(w)) => w.clone(),
        _ => return Err(p.err(line, "expected a top-level group such as library(...)")),
    };
    p.pos += 1;
    let args = p.args()?;
    p.expect_punct('{')?;
    let mut g = Group {
        kind,
        args,
        line,
        ..Group::default()
    };
    p.body(&mut g)?;
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_groups_and_attributes() {
        let text = "library(x) {\n /* c */ time_unit : \"1ns\";\n capacitive_load_unit (1,pf);\n \
                    cell (A) { area : 3; pin(Y) { function : \"!A\"; } }\n nom_voltage : 1.8\n}";
        let g = parse(text, "t").unwrap();
        assert_eq!(g.attr("time_unit"), Some("1ns"));
        assert_eq!(
            g.attr_full("capacitive_load_unit").unwrap().values,
            vec!["1", "pf"]
        );
        assert_eq!(g.attr("nom_voltage"), Some("1.8"));
        let cell = g.group("cell").unwrap();
        assert_eq!(cell.args, vec!["A"]);
        assert_eq!(cell.group("pin").unwrap().attr("function"), Some("!A"));
    }

    #[test]
    fn reports_the_line_of_an_error() {
        let e = parse("library(x) {\n a : 1;\n b ) ;\n}", "f.lib").unwrap_err();
        assert!(e.to_string().starts_with("f.lib:3:"), "{e}");
    }
}
