//! A small XML reader for the differential tests of `-T pdml` and `-T psml`:
//! elements with attributes and text, into the `Json` shape the comparison
//! walks (attributes as `@NAME` members, children keyed by their `name`
//! attribute, or their tag when they have none, text as `#text`).

use super::json::Json;

#[derive(Debug)]
pub struct Element {
    pub tag: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The element as a `Json` object (see the module's comment).
    pub fn to_json(&self) -> Json {
        let mut m: Vec<(String, Json)> = self.attrs.iter().filter(|(k, _)| k != "name").map(|(k, v)| (format!("@{k}"), Json::Str(v.clone()))).collect();
        if !self.text.trim().is_empty() {
            m.push(("#text".into(), Json::Str(self.text.clone())));
        }
        for c in &self.children {
            m.push((c.attr("name").unwrap_or(&c.tag).to_string(), c.to_json()));
        }
        Json::Obj(m)
    }
}

/// The root element of a document.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut p = Parser { s: text, i: 0 };
    p.misc();
    let root = p.element()?;
    Ok(root)
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let ent = &tail[1..end];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    /// Skips whitespace, declarations and comments.
    fn misc(&mut self) {
        loop {
            let r = self.rest();
            let trimmed = r.trim_start();
            self.i += r.len() - trimmed.len();
            if trimmed.starts_with("<?") {
                self.i += trimmed.find("?>").map_or(trimmed.len(), |e| e + 2);
            } else if trimmed.starts_with("<!--") {
                self.i += trimmed.find("-->").map_or(trimmed.len(), |e| e + 3);
            } else {
                return;
            }
        }
    }

    fn element(&mut self) -> Result<Element, String> {
        if !self.rest().starts_with('<') {
            return Err(format!("expected an element at byte {}", self.i));
        }
        self.i += 1;
        let name_end = self.rest().find(|c: char| c.is_whitespace() || c == '>' || c == '/').ok_or("unterminated tag")?;
        let tag = self.rest()[..name_end].to_string();
        self.i += name_end;
        let mut attrs = Vec::new();
        loop {
            let r = self.rest();
            let t = r.trim_start();
            self.i += r.len() - t.len();
            if self.rest().starts_with("/>") {
                self.i += 2;
                return Ok(Element { tag, attrs, children: Vec::new(), text: String::new() });
            }
            if self.rest().starts_with('>') {
                self.i += 1;
                break;
            }
            let eq = self.rest().find('=').ok_or("attribute without =")?;
            let key = self.rest()[..eq].trim().to_string();
            self.i += eq + 1;
            let quote = self.rest().chars().next().ok_or("unterminated attribute")?;
            self.i += 1;
            let end = self.rest().find(quote).ok_or("unterminated attribute value")?;
            attrs.push((key, unescape(&self.rest()[..end])));
            self.i += end + 1;
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            let lt = self.rest().find('<').ok_or_else(|| format!("unclosed <{tag}>"))?;
            text.push_str(&unescape(&self.rest()[..lt]));
            self.i += lt;
            if self.rest().starts_with("</") {
                let gt = self.rest().find('>').ok_or("unterminated end tag")?;
                self.i += gt + 1;
                return Ok(Element { tag, attrs, children, text });
            }
            if self.rest().starts_with("<!--") || self.rest().starts_with("<?") {
                self.misc();
                continue;
            }
            children.push(self.element()?);
        }
    }
}
