//! The tour's own tables beside the streams (survey answers, tickets, the care queue) on either database: the
//! same SQL text (`$n` parameters and `ON CONFLICT DO NOTHING` are both SQLite's and PostgreSQL's), run by each
//! driver on the store's own connection.

use std::error::Error;

use customer_care_storage::Engine;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// A survey answer row: order, store, time (RFC 3339), NPS score, CSAT score.
pub(crate) type SurveyRow = (String, &'static str, String, i64, i64);

const FACTS: &str = "
CREATE TABLE IF NOT EXISTS surveys (order_id TEXT PRIMARY KEY, store TEXT NOT NULL, responded_at TEXT NOT NULL,
                                    nps BIGINT NOT NULL, csat BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (ticket_id TEXT PRIMARY KEY, ticket TEXT NOT NULL);
-- Care actions to deliver, keyed by their dedup key: planning twice never queues (or sends) twice.
CREATE TABLE IF NOT EXISTS care_queue (dedup_key TEXT PRIMARY KEY, due_at TEXT NOT NULL, channel TEXT NOT NULL,
                                       action TEXT NOT NULL, sent_at TEXT);
";
const INSERT_SURVEY: &str = "INSERT INTO surveys (order_id, store, responded_at, nps, csat) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING";
const INSERT_TICKET: &str = "INSERT INTO tickets (ticket_id, ticket) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const INSERT_CARE: &str =
    "INSERT INTO care_queue (dedup_key, due_at, channel, action) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
const SURVEYS: &str = "SELECT store, responded_at, nps, csat FROM surveys ORDER BY order_id";
const TICKETS: &str = "SELECT ticket FROM tickets ORDER BY ticket_id";

/// A database the tour runs on: the adapter's [`Engine`] and the tour's tables.
pub(crate) trait Backend: Engine {
    /// Creates the tour's tables if missing.
    fn create_facts(&self) -> Result<()>;
    /// Writes the day's answers and tickets in one transaction (a re-run finds them: nothing new).
    fn write_facts(&self, surveys: &[SurveyRow], tickets: &[(String, String)]) -> Result<()>;
    /// Queues care actions `(dedup key, due at, channel, action)` in one transaction; how many were new.
    fn queue_care(&self, actions: &[[String; 4]]) -> Result<usize>;
    /// Rows in one of the tour's tables.
    fn count_facts(&self, table: &str) -> Result<u64>;
    /// The survey answers: store, time, NPS, CSAT.
    fn surveys(&self) -> Result<Vec<(String, String, i64, i64)>>;
    /// The tickets, as JSON.
    fn tickets(&self) -> Result<Vec<String>>;
}

fn facts_table(table: &str) -> Result<&'static str> {
    match table {
        "surveys" => Ok("SELECT COUNT(*) FROM surveys"),
        "tickets" => Ok("SELECT COUNT(*) FROM tickets"),
        "care_queue" => Ok("SELECT COUNT(*) FROM care_queue"),
        other => Err(format!("no table {other}").into()),
    }
}

impl Backend for customer_care_sqlite::Database {
    fn create_facts(&self) -> Result<()> {
        Ok(self.connection().execute_batch(FACTS)?)
    }

    fn write_facts(&self, surveys: &[SurveyRow], tickets: &[(String, String)]) -> Result<()> {
        let tx = self.connection().unchecked_transaction()?;
        for (order, store, at, nps, csat) in surveys {
            tx.prepare_cached(INSERT_SURVEY)?.execute((order, store, at, nps, csat))?;
        }
        for (id, ticket) in tickets {
            tx.prepare_cached(INSERT_TICKET)?.execute((id, ticket))?;
        }
        Ok(tx.commit()?)
    }

    fn queue_care(&self, actions: &[[String; 4]]) -> Result<usize> {
        let tx = self.connection().unchecked_transaction()?;
        let mut added = 0;
        for [key, due, channel, action] in actions {
            added += tx.prepare_cached(INSERT_CARE)?.execute((key, due, channel, action))?;
        }
        tx.commit()?;
        Ok(added)
    }

    fn count_facts(&self, table: &str) -> Result<u64> {
        Ok(self.connection().query_row(facts_table(table)?, [], |r| r.get::<_, i64>(0))?.try_into()?)
    }

    fn surveys(&self) -> Result<Vec<(String, String, i64, i64)>> {
        let mut stmt = self.connection().prepare(SURVEYS)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    fn tickets(&self) -> Result<Vec<String>> {
        let mut stmt = self.connection().prepare(TICKETS)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

impl Backend for customer_care_postgres::Database {
    fn create_facts(&self) -> Result<()> {
        Ok(self.client()?.batch_execute(FACTS)?)
    }

    fn write_facts(&self, surveys: &[SurveyRow], tickets: &[(String, String)]) -> Result<()> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        for (order, store, at, nps, csat) in surveys {
            tx.execute(INSERT_SURVEY, &[order, store, at, nps, csat])?;
        }
        for (id, ticket) in tickets {
            tx.execute(INSERT_TICKET, &[id, ticket])?;
        }
        Ok(tx.commit()?)
    }

    fn queue_care(&self, actions: &[[String; 4]]) -> Result<usize> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        let mut added = 0;
        for [key, due, channel, action] in actions {
            added += tx.execute(INSERT_CARE, &[key, due, channel, action])?;
        }
        tx.commit()?;
        Ok(added.try_into()?)
    }

    fn count_facts(&self, table: &str) -> Result<u64> {
        Ok(self.client()?.query_one(facts_table(table)?, &[])?.get::<_, i64>(0).try_into()?)
    }

    fn surveys(&self) -> Result<Vec<(String, String, i64, i64)>> {
        let rows = self.client()?.query(SURVEYS, &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect())
    }

    fn tickets(&self) -> Result<Vec<String>> {
        Ok(self.client()?.query(TICKETS, &[])?.iter().map(|r| r.get(0)).collect())
    }
}
