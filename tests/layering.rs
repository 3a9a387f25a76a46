//! The layering rule of `ARCHITECTURE.md`, checked on every `cargo test`.
//!
//! Reads every `src/**/*.rs`, collects the paths each file names through `crate::`, `super::`, `self::` or one of
//! its own child modules (in `use` declarations and in expressions alike), resolves each path to the file that
//! defines the module it reaches, and fails when
//!
//! - a file imports a module on a floor above (or beside) its own: the floors are [`FLOORS`];
//! - files import each other in a circle (a parent `mod.rs` that re-exports its children and a child that imports
//!   its parent is a circle too: children import `super::error::…`, `super::sibling::…`, never `super::Item`).
//!
//! One pair is not a circle: a domain's `error.rs` and a value file that import each other directly. The error
//! names the value it rejected (`MetricsError::ScoreOutOfScale { scale: Scale }`) and the value's constructor
//! returns that error; the two are one rule seen from both sides. Any longer circle through `error.rs` still fails.
//!
//! Code under `#[cfg(test)]` is left out: unit tests may build values from any floor (the ledger's tests count in
//! loyalty `Points`). Comments, doc links and string literals are left out as well.
//!
//! The parser is a small tokenizer, not `syn`: it knows comments, string and char literals, lifetimes, `use`
//! trees, `mod name;` and `mod name { … }`, which is all this check needs.

#![allow(unreachable_pub)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The floors, lowest first. A module may import only from floors strictly below its own. `text` (the excerpt of
/// rejected input that every domain's errors carry, `id`'s too) imports nothing and sits below everything. Keep in
/// step with `ARCHITECTURE.md`.
const FLOORS: &[(&str, u8)] = &[
    ("text", 0),
    ("id", 1),
    ("local_day", 1),
    ("stats", 1),
    ("money", 2),
    ("stream", 2),
    ("calendar", 2),
    ("locale", 3),
    ("metrics", 2),
    ("ledger", 3),
    ("customer", 3),
    ("service", 3),
    ("loyalty", 4),
    ("wallet", 4),
    ("lifecycle", 4),
    ("host", 4),
    ("care", 5),
    ("wire", 5),
    ("error", 6),
    // The crate root: it declares every module and re-exports from all of them, `error::Error` included.
    ("lib", 7),
];

/// Import circles tolerated, each the exact set of files in it: none. An entry that no longer matches a circle
/// fails the test, so the list can only shrink; keep it empty.
const ALLOWED_CIRCLES: &[&[&str]] = &[];

#[test]
fn src_follows_the_layering_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    read_tree(&root, &root, &mut sources);
    assert!(sources.contains_key("lib.rs"), "no src/lib.rs under {}", root.display());
    let problems = check(&sources, ALLOWED_CIRCLES);
    assert!(
        problems.is_empty(),
        "the layering rule of ARCHITECTURE.md is broken ({} problem(s)):\n\n{}\n",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn an_import_from_a_higher_floor_is_named_with_file_and_path() {
    let tree = sources(&[
        ("lib.rs", "pub mod ledger; pub mod loyalty;"),
        ("ledger/mod.rs", "mod engine; pub use engine::Ledger;"),
        ("ledger/engine.rs", "use crate::loyalty::Points;\npub struct Ledger;"),
        ("loyalty/mod.rs", "pub struct Points;"),
    ]);
    let problems = check(&tree, &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("src/ledger/engine.rs:1 imports `crate::loyalty::Points`"), "{}", problems[0]);
    assert!(problems[0].contains("`ledger` is on floor 3 and `loyalty` on floor 4"), "{}", problems[0]);
}

#[test]
fn loyalty_and_wallet_may_not_import_each_other() {
    let tree = sources(&[
        ("lib.rs", "pub mod loyalty; pub mod wallet;"),
        ("loyalty/mod.rs", "pub struct Points;"),
        ("wallet/mod.rs", "fn f() -> usize { core::mem::size_of::<crate::loyalty::Points>() }"),
    ]);
    let problems = check(&tree, &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("`wallet` is on floor 4 and `loyalty` on floor 4"), "{}", problems[0]);
}

#[test]
fn a_child_importing_its_parent_is_a_circle_with_each_step_named() {
    let tree = sources(&[
        ("lib.rs", "pub mod service;"),
        ("service/mod.rs", "mod sla;\npub use sla::SlaPolicy;\npub enum ServiceError {}"),
        ("service/sla.rs", "use super::ServiceError;\npub struct SlaPolicy;"),
    ]);
    let problems = check(&tree, &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let circle = &problems[0];
    assert!(circle.starts_with("import circle between 2 files:"), "{circle}");
    assert!(circle.contains("src/service/mod.rs:2 `sla::SlaPolicy` -> src/service/sla.rs"), "{circle}");
    assert!(circle.contains("src/service/sla.rs:1 `super::ServiceError` -> src/service/mod.rs"), "{circle}");
    let allowed: &[&[&str]] = &[&["service/mod.rs", "service/sla.rs"]];
    assert_eq!(check(&tree, allowed), Vec::<String>::new());
}

#[test]
fn an_error_and_the_value_it_names_may_import_each_other_but_no_longer_circle() {
    let pair = sources(&[
        ("lib.rs", "pub mod metrics;"),
        ("metrics/mod.rs", "mod error;\nmod scale;\npub use error::MetricsError;\npub use scale::Scale;"),
        ("metrics/error.rs", "use super::scale::Scale;\npub enum MetricsError { Out(Scale) }"),
        ("metrics/scale.rs", "use super::error::MetricsError;\npub struct Scale;"),
    ]);
    assert_eq!(check(&pair, &[]), Vec::<String>::new());
    let mut longer = pair;
    longer.insert("metrics/scale.rs".into(), "use super::tally::Tally;\npub struct Scale;".into());
    longer.insert("metrics/tally.rs".into(), "use super::error::MetricsError;\npub struct Tally;".into());
    longer.insert("metrics/mod.rs".into(), "mod error;\nmod scale;\nmod tally;".into());
    let problems = check(&longer, &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("import circle between 3 files:"), "{}", problems[0]);
}

#[test]
fn an_allowed_circle_that_is_gone_must_leave_the_list() {
    let tree = sources(&[("lib.rs", "pub mod id;"), ("id.rs", "pub struct CustomerId;")]);
    let allowed: &[&[&str]] = &[&["wallet/account.rs", "wallet/program.rs"]];
    let problems = check(&tree, allowed);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("ALLOWED_CIRCLES"), "{}", problems[0]);
}

#[test]
fn comments_strings_and_test_code_are_not_imports() {
    let tree = sources(&[
        ("lib.rs", "pub mod id; pub mod care;"),
        ("care/mod.rs", "pub struct Plan;"),
        (
            "id.rs",
            r##"
//! Links to [`crate::care::Plan`] are fine.
/* use crate::care::Plan; /* nested */ use crate::care::Plan; */
const S: &str = "use crate::care::Plan;";
const R: &str = r#"crate::care::Plan "quoted" "#;
const C: char = '"';
fn f<'a>(s: &'a str) -> &'a str { s }
macro_rules! m { () => { $crate::care::Plan } }
#[cfg(test)]
mod tests { use crate::care::Plan; fn g() { let _ = crate::care::Plan; } }
#[cfg(all(test, feature = "x"))]
fn h() -> crate::care::Plan { crate::care::Plan }
pub struct CustomerId;
"##,
        ),
    ]);
    assert_eq!(check(&tree, &[]), Vec::<String>::new());
}

#[test]
fn a_module_missing_from_the_floors_is_reported() {
    let tree = sources(&[("lib.rs", "pub mod gadgets;"), ("gadgets.rs", "use crate::id::CustomerId;")]);
    let problems = check(&tree, &[]);
    assert!(problems.iter().any(|p| p.contains("`gadgets` has no floor")), "{problems:?}");
}

fn sources(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files.iter().map(|(path, text)| ((*path).to_owned(), (*text).to_owned())).collect()
}

/// Every `.rs` file under `dir`, keyed by its path relative to `root` with `/` separators.
fn read_tree(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            out.insert(rel, text);
        }
    }
}

/// One import: the file it points at, the path as written, and the line it is on.
#[derive(Clone, Debug)]
struct Import {
    target: String,
    path: String,
    line: usize,
}

/// The problems in `sources` (relative path → text), one message each; empty when the rule holds.
fn check(sources: &BTreeMap<String, String>, allowed: &[&[&str]]) -> Vec<String> {
    let modules: BTreeMap<Vec<String>, String> = sources.keys().map(|file| (module_path(file), file.clone())).collect();
    let mut problems = Vec::new();
    let mut test_only = BTreeSet::new();
    let mut graph: BTreeMap<String, Vec<Import>> = BTreeMap::new();
    let parsed: BTreeMap<&String, Parsed> = sources
        .iter()
        .map(|(file, text)| {
            let parsed = parse(text);
            for child in &parsed.test_children {
                let mut path = module_path(file);
                path.push(child.clone());
                if let Some(child_file) = modules.get(&path) {
                    test_only.insert(child_file.clone());
                }
            }
            (file, parsed)
        })
        .collect();
    for (file, parsed) in &parsed {
        if test_only.contains(*file) {
            continue;
        }
        let here = module_path(file);
        let imports = graph.entry((*file).clone()).or_default();
        for path in &parsed.paths {
            let Some(target) = resolve(&modules, &here, &parsed.children, path) else { continue };
            if target != **file {
                imports.push(Import { target, path: path.segments.join("::"), line: path.line });
            }
        }
    }
    for (file, imports) in &graph {
        let from = top_module(file);
        let Some(from_floor) = floor(&from) else {
            problems.push(format!(
                "src/{file}: module `{from}` has no floor; add it to FLOORS in tests/layering.rs and to ARCHITECTURE.md"
            ));
            continue;
        };
        for import in imports {
            let to = top_module(&import.target);
            if to == from {
                continue;
            }
            let Some(to_floor) = floor(&to) else { continue };
            if to_floor >= from_floor {
                problems.push(format!(
                    "src/{file}:{} imports `{}` (src/{}): `{from}` is on floor {from_floor} and `{to}` on floor \
                     {to_floor}; a module imports only from floors below its own (ARCHITECTURE.md). Move what both \
                     need down to a lower floor, or let the higher module pass it in",
                    import.line, import.path, import.target
                ));
            }
        }
    }
    // An error file and a value file that import each other directly: the error names the value, the value's
    // constructor returns the error. Leave the error's side of that pair out of the circle search.
    let mut searched = graph.clone();
    for (file, imports) in &mut searched {
        if file == "error.rs" || file.ends_with("/error.rs") {
            imports.retain(|i| !graph.get(&i.target).is_some_and(|back| back.iter().any(|b| b.target == *file)));
        }
    }
    let mut seen_allowed = BTreeSet::new();
    for Circle { steps, others } in circles(&searched) {
        let files: BTreeSet<&str> =
            steps.iter().map(|(file, _)| file.as_str()).chain(others.iter().map(String::as_str)).collect();
        if let Some(index) = allowed.iter().position(|entry| entry.iter().copied().collect::<BTreeSet<_>>() == files) {
            seen_allowed.insert(index);
            continue;
        }
        let mut message = format!("import circle between {} files:", steps.len());
        for (file, import) in &steps {
            let _ = write!(message, "\n    src/{file}:{} `{}` -> src/{}", import.line, import.path, import.target);
        }
        if !others.is_empty() {
            let others: Vec<String> = others.iter().map(|f| format!("src/{f}")).collect();
            let _ = write!(message, "\n  tangled with it through other circles: {}", others.join(", "));
        }
        message.push_str(
            "\n  break it by moving what both sides need into a file of its own (a child imports \
             `super::error::…` or `super::sibling::…`, never its parent `mod.rs`)",
        );
        problems.push(message);
    }
    for (index, entry) in allowed.iter().enumerate() {
        if !seen_allowed.contains(&index) {
            problems.push(format!("ALLOWED_CIRCLES lists {entry:?}, which is no longer a circle: remove the entry"));
        }
    }
    problems
}

fn floor(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(name, _)| *name == module).map(|(_, floor)| *floor)
}

/// `lib.rs` → `[]`, `care/mod.rs` → `["care"]`, `ledger/engine.rs` → `["ledger", "engine"]`.
fn module_path(file: &str) -> Vec<String> {
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    let mut parts: Vec<String> = stem.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The first-level module a file belongs to (`lib` for `lib.rs`).
fn top_module(file: &str) -> String {
    module_path(file).into_iter().next().unwrap_or_else(|| "lib".to_owned())
}

/// The file of the deepest module `path` reaches, or `None` when it names no module of this crate.
fn resolve(
    modules: &BTreeMap<Vec<String>, String>,
    here: &[String],
    children: &BTreeSet<String>,
    path: &WrittenPath,
) -> Option<String> {
    let mut base: Vec<String> = here.iter().cloned().chain(path.inline.iter().cloned()).collect();
    let mut segments = path.segments.iter().peekable();
    match segments.peek().map(|s| s.as_str()) {
        Some("crate") => {
            base.clear();
            segments.next();
        }
        Some("super") => {
            while segments.peek().is_some_and(|s| *s == "super") {
                base.pop();
                segments.next();
            }
        }
        Some("self") => {
            segments.next();
        }
        Some(first) if path.inline.is_empty() && children.contains(first) => {}
        _ => return None,
    }
    // An inline module (`mod tests { … }`) lives in its file; the file is the deepest module with a file.
    let mut current = base;
    while !modules.contains_key(&current) {
        current.pop()?;
    }
    for segment in segments {
        current.push(segment.clone());
        if !modules.contains_key(&current) {
            current.pop();
            break;
        }
    }
    modules.get(&current).cloned()
}

/// The circles of the file graph: one per strongly connected component with more than one file, each given as
/// the steps of one concrete circle through it.
fn circles(graph: &BTreeMap<String, Vec<Import>>) -> Vec<Circle> {
    let components = strongly_connected(graph);
    let mut out = Vec::new();
    for component in components.into_iter().filter(|c| c.len() > 1) {
        let start = component.iter().next().expect("non-empty").clone();
        // Shortest way back to `start` inside the component, by breadth-first search.
        let mut previous: BTreeMap<String, (String, Import)> = BTreeMap::new();
        let mut queue = VecDeque::from([start.clone()]);
        let mut closing = None;
        while let Some(file) = queue.pop_front() {
            for import in graph.get(&file).into_iter().flatten() {
                if !component.contains(&import.target) {
                    continue;
                }
                if import.target == start {
                    closing = Some((file.clone(), import.clone()));
                    queue.clear();
                    break;
                }
                if !previous.contains_key(&import.target) {
                    previous.insert(import.target.clone(), (file.clone(), import.clone()));
                    queue.push_back(import.target.clone());
                }
            }
        }
        let (mut file, import) = closing.expect("a component of two or more files has a circle through each file");
        let mut steps = vec![(file.clone(), import)];
        while file != start {
            let (from, import) = previous[&file].clone();
            steps.push((from.clone(), import));
            file = from;
        }
        steps.reverse();
        // The other files of the component sit on further circles through these.
        let on_circle: BTreeSet<&String> = steps.iter().map(|(f, _)| f).collect();
        let others = component.iter().filter(|f| !on_circle.contains(f)).cloned().collect();
        out.push(Circle { steps, others });
    }
    out
}

/// One circle of a tangle: its steps (file, the import that leads to the next file), and the tangle's other files.
struct Circle {
    steps: Vec<(String, Import)>,
    others: Vec<String>,
}

/// Tarjan's algorithm, iterative enough for a crate's worth of files.
fn strongly_connected(graph: &BTreeMap<String, Vec<Import>>) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, Vec<Import>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for import in s.graph.get(v).into_iter().flatten() {
            let w = import.target.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_owned());
                if w == v {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for file in graph.keys() {
        if !state.index.contains_key(file.as_str()) {
            visit(&mut state, file);
        }
    }
    state.out
}

/// A path as written: its segments, the line, and the inline modules (`mod tests { … }`) it sits in.
#[derive(Clone, Debug)]
struct WrittenPath {
    segments: Vec<String>,
    line: usize,
    inline: Vec<String>,
}

/// What one file says about modules: the paths it names, its file children, and which children are test-only.
#[derive(Debug, Default)]
struct Parsed {
    paths: Vec<WrittenPath>,
    children: BTreeSet<String>,
    test_children: BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Punct(char),
    /// `::`
    Sep,
    /// A string, char or number literal: its content does not matter here.
    Lit,
}

/// Tokens with their line numbers; comments and the contents of literals are dropped.
fn tokenize(text: &str) -> Vec<(Tok, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                line += usize::from(chars[i] == '\n');
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push((Tok::Lit, start_line));
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push((Tok::Lit, start_line));
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push((Tok::Lit, start_line));
            } else {
                i += 1;
                out.push((Tok::Punct('\''), start_line));
            }
        } else if c.is_alphabetic() || c == '_' {
            let begin = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[begin..i].iter().collect();
            let hashes = chars[i..].iter().take_while(|&&ch| ch == '#').count();
            if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                i += hashes + 1;
                while i < chars.len() {
                    if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        i += hashes + 1;
                        break;
                    }
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                out.push((Tok::Lit, start_line));
                continue;
            }
            if word == "r" && hashes == 1 {
                // A raw identifier (`r#type`): the identifier is read next.
                i += 1;
                continue;
            }
            if matches!(word.as_str(), "b" | "c") && matches!(at(i), '"' | '\'') {
                continue; // the literal follows and is read next
            }
            out.push((Tok::Ident(word), start_line));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                if chars[i] == '.' && !at(i + 1).is_ascii_digit() {
                    break;
                }
                i += 1;
            }
            out.push((Tok::Lit, start_line));
        } else if c == ':' && at(i + 1) == ':' {
            i += 2;
            out.push((Tok::Sep, start_line));
        } else {
            i += 1;
            out.push((Tok::Punct(c), start_line));
        }
    }
    out
}

/// Drops every item under a `#[cfg(…test…)]` attribute (`cfg(test)`, `cfg(all(test, …))`), returning the kept
/// tokens and the names of test-only file modules (`#[cfg(test)] mod tests;`).
fn drop_test_items(tokens: Vec<(Tok, usize)>) -> (Vec<(Tok, usize)>, BTreeSet<String>) {
    let ident = |t: &Tok, s: &str| matches!(t, Tok::Ident(w) if w == s);
    let mut kept = Vec::new();
    let mut test_children = BTreeSet::new();
    let mut i = 0;
    while i < tokens.len() {
        let is_cfg = tokens[i].0 == Tok::Punct('#')
            && tokens.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('['))
            && tokens.get(i + 2).is_some_and(|t| ident(&t.0, "cfg"));
        if !is_cfg {
            kept.push(tokens[i].clone());
            i += 1;
            continue;
        }
        // The attribute's tokens, up to its closing bracket.
        let mut j = i + 1;
        let mut depth = 0;
        let mut mentions_test = false;
        let mut negated = false;
        loop {
            match &tokens[j].0 {
                Tok::Punct('[' | '(') => depth += 1,
                Tok::Punct(']' | ')') => depth -= 1,
                Tok::Ident(w) if w == "test" => mentions_test = true,
                Tok::Ident(w) if w == "not" || w == "any" => negated = true,
                _ => {}
            }
            j += 1;
            if depth == 0 {
                break;
            }
        }
        if !mentions_test || negated {
            kept.extend_from_slice(&tokens[i..j]);
            i = j;
            continue;
        }
        // Skip the item: up to its `;` or through its braced body.
        let mut k = j;
        while k < tokens.len() && !matches!(tokens[k].0, Tok::Punct(';' | '{')) {
            k += 1;
        }
        if tokens.get(k).is_some_and(|t| t.0 == Tok::Punct(';')) {
            if k >= 2
                && ident(&tokens[k - 2].0, "mod")
                && let Tok::Ident(name) = &tokens[k - 1].0
            {
                test_children.insert(name.clone());
            }
            i = k + 1;
            continue;
        }
        let mut depth = 0;
        while k < tokens.len() {
            match tokens[k].0 {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        i = k + 1;
    }
    (kept, test_children)
}

fn parse(text: &str) -> Parsed {
    let (tokens, test_children) = drop_test_items(tokenize(text));
    let mut parsed = Parsed { test_children, ..Parsed::default() };
    let word = |i: usize| match tokens.get(i) {
        Some((Tok::Ident(w), _)) => Some(w.as_str()),
        _ => None,
    };
    let punct = |i: usize, c: char| tokens.get(i).is_some_and(|t| t.0 == Tok::Punct(c));
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        let line = tokens[i].1;
        if word(i) == Some("mod")
            && let Some(name) = word(i + 1)
        {
            if punct(i + 2, ';') && inline.is_empty() {
                parsed.children.insert(name.to_owned());
            } else if punct(i + 2, '{') {
                inline.push((name.to_owned(), depth));
                depth += 1;
                i += 3;
                continue;
            }
        }
        let names: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
        match &tokens[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Tok::Ident(w) if w == "use" => {
                let end = (i..tokens.len()).find(|&k| punct(k, ';')).unwrap_or(tokens.len());
                for segments in use_tree(&tokens[i + 1..end]) {
                    parsed.paths.push(WrittenPath { segments, line, inline: names.clone() });
                }
                i = end + 1;
                continue;
            }
            Tok::Ident(first) => {
                let after_sep = i > 0 && tokens[i - 1].0 == Tok::Sep;
                let after_dollar = i > 0 && tokens[i - 1].0 == Tok::Punct('$');
                if !after_sep && !after_dollar && tokens.get(i + 1).is_some_and(|t| t.0 == Tok::Sep) {
                    let mut segments = vec![first.clone()];
                    let mut k = i + 1;
                    while tokens.get(k).is_some_and(|t| t.0 == Tok::Sep) {
                        match word(k + 1) {
                            Some(w) => segments.push(w.to_owned()),
                            None => break,
                        }
                        k += 2;
                    }
                    parsed.paths.push(WrittenPath { segments, line, inline: names });
                    i = k;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    parsed
}

/// The paths of a `use` tree (`a::{b, c::{self, d}}` → `a::b`, `a::c`, `a::c::d`), `as` renames dropped.
fn use_tree(tokens: &[(Tok, usize)]) -> Vec<Vec<String>> {
    fn walk(tokens: &[(Tok, usize)], prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        let mut item = false;
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i].0 {
                Tok::Ident(w) if w == "as" => i += 1, // skip the new name
                Tok::Ident(w) if w == "self" && !path.is_empty() => item = true,
                Tok::Ident(w) => {
                    path.push(w.clone());
                    item = true;
                }
                Tok::Punct('*') => item = true,
                Tok::Punct('{') => {
                    let mut depth = 0;
                    let mut item_start = i + 1;
                    for (k, (token, _)) in tokens.iter().enumerate().skip(i) {
                        match token {
                            Tok::Punct('{') => depth += 1,
                            Tok::Punct('}') => {
                                depth -= 1;
                                if depth == 0 {
                                    walk(&tokens[item_start..k], &path, out);
                                    return;
                                }
                            }
                            Tok::Punct(',') if depth == 1 => {
                                walk(&tokens[item_start..k], &path, out);
                                item_start = k + 1;
                            }
                            _ => {}
                        }
                    }
                    return;
                }
                _ => {}
            }
            i += 1;
        }
        if item && !path.is_empty() {
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk(tokens, &[], &mut out);
    out
}
