//! The stored format: golden fixtures, upcasting, snapshots of older formats, and round trips.

use crate::wire_streams::{customer_stream, points_program, points_stream, wallet_program, wallet_stream};

fn tags(json: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    for c in json.as_array().unwrap() {
        out.insert(format!("cmd {}", c["command"]["body"].get("type").map(|t| t.to_string()).unwrap_or_else(|| c["command"]["body"].to_string().chars().take(30).collect())));
        for e in c["events"].as_array().unwrap() {
            out.insert(format!("ev {}", e.get("type").map(|t| t.to_string()).unwrap_or_else(|| e.to_string().chars().take(30).collect())));
        }
    }
}

#[test]
fn coverage() {
    let p = points_program();
    let s = points_stream(&p);
    let mut out = Default::default();
    tags(&serde_json::to_value(&s.commits).unwrap(), &mut out);
    println!("{out:#?}");
    let p = wallet_program();
    let s = wallet_stream(&p);
    let mut out = Default::default();
    tags(&serde_json::to_value(&s.commits).unwrap(), &mut out);
    println!("{out:#?}");
    let s = customer_stream();
    let mut out = Default::default();
    tags(&serde_json::to_value(&s.commits).unwrap(), &mut out);
    println!("{out:#?}");
}
#[test]
fn sizes() {
    let p = points_program();
    let s = points_stream(&p);
    println!("points {}", s.commits.len());
}
