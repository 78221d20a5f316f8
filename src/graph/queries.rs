//! The catalog of Cypher queries: one file per query in `queries/`, compiled in.
//! A unit test fails on any file no entry loads; an integration test `EXPLAIN`s them all.

/// A named Cypher text. Names appear in logs and errors; texts never contain user input.
#[derive(Debug, Clone, Copy)]
pub struct Cypher<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl Cypher<'_> {
    /// Whether the statement only reads, so it can run in READ access mode (a cluster serves
    /// it from a follower or read replica). Conservative: any write clause, and any procedure
    /// whose name says it creates, drops, sets, merges or deletes, makes it a write. Should a
    /// write slip through, Neo4j refuses it in a read transaction; it never runs silently.
    pub fn is_read_only(&self) -> bool {
        const WRITE_CLAUSES: [&str; 9] = [
            "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH", "LOAD", "DROP",
        ];
        const WRITE_PROCEDURE_WORDS: [&str; 6] =
            ["create", "drop", "set", "merge", "delete", "remove"];
        let words = cypher_words(self.text);
        let mut after_call = false;
        for word in words {
            let upper = word.to_ascii_uppercase();
            if WRITE_CLAUSES.contains(&upper.as_str()) {
                return false;
            }
            if after_call {
                let lower = word.to_ascii_lowercase();
                if WRITE_PROCEDURE_WORDS.iter().any(|w| lower.contains(w)) {
                    return false;
                }
            }
            after_call = upper == "CALL";
        }
        true
    }
}

/// The words of a Cypher text (identifiers, keywords, dotted procedure names), with comments,
/// string literals and backquoted names left out.
fn cypher_words(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            quote @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                words.push(&text[start..i]);
            }
            _ => i += 1,
        }
    }
    words
}

macro_rules! catalog {
    ($($const:ident = $file:literal;)+) => {
        $(
            pub const $const: Cypher<'static> = Cypher {
                name: $file,
                text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/queries/", $file, ".cypher")),
            };
        )+
        /// Every query in the catalog.
        pub const ALL: &[Cypher<'static>] = &[$($const),+];
    };
}

catalog! {
    PING = "ping";
    GRAPH_COUNTS = "graph_counts";
    ADMIN_WIPE_BATCH = "admin_wipe_batch";
    ADMIN_SCHEMA_NAMES = "admin_schema_names";
    ADMIN_AWAIT_INDEXES = "admin_await_indexes";
    ADMIN_INDEX_POPULATION = "admin_index_population";

    TOKEN_CREATE = "token_create";
    TOKEN_BY_HASH = "token_by_hash";
    TOKEN_LIST = "token_list";
    TOKEN_REVOKE = "token_revoke";
    AUDIT_HEAD = "audit_head";
    AUDIT_HEAD_READ = "audit_head_read";
    AUDIT_APPEND = "audit_append";
    AUDIT_APPEND_IF_HEAD = "audit_append_if_head";
    AUDIT_LIST = "audit_list";
    AUDIT_CHAIN = "audit_chain";
    SECRET_PSEUDONYM_KEY = "secret_pseudonym_key";

    INGEST_ACCOUNTS = "ingest_accounts";
    INGEST_SHOPS = "ingest_shops";
    INGEST_LINKS = "ingest_links";
    INGEST_REFERRALS = "ingest_referrals";
    INGEST_ORDERS = "ingest_orders";
    INGEST_PAYMENTS = "ingest_payments";
    INGEST_REVIEWS = "ingest_reviews";
    INGEST_COMPLAINTS = "ingest_complaints";
    INGEST_REVIEW_EVENTS = "ingest_review_events";
    INGEST_MESSAGES = "ingest_messages";
    CREATE_ACCOUNTS = "create_accounts";
    CREATE_SHOPS = "create_shops";
    CREATE_LINKS = "create_links";
    CREATE_ORDERS = "create_orders";
    CREATE_PAYMENTS = "create_payments";
    CREATE_REVIEWS = "create_reviews";
    CREATE_COMPLAINTS = "create_complaints";
    CREATE_REVIEW_EVENTS = "create_review_events";
    CREATE_MESSAGES = "create_messages";
    EXISTING_ACCOUNTS = "existing_accounts";
    EXISTING_SHOPS = "existing_shops";
    EXISTING_ORDERS = "existing_orders";
    EXISTING_REVIEWS = "existing_reviews";
    EXISTING_COMPLAINTS = "existing_complaints";
    EXISTING_PAYMENTS = "existing_payments";
    EXISTING_REVIEW_EVENTS = "existing_review_events";
    EXISTING_MESSAGES = "existing_messages";
    BULK_STORE_NODES = "bulk_store_nodes";
    CENSUS_NODE_PROPERTIES = "census_node_properties";
    CENSUS_RELATIONSHIPS = "census_relationships";
    CENSUS_DUMP = "census_dump";

    ACCOUNT_BY_ID = "account_by_id";
    ACCOUNTS_BY_IDS = "accounts_by_ids";
    SHOP_BY_ID = "shop_by_id";
    ACCOUNT_OVERVIEW = "account_overview";
    SHOP_OVERVIEW = "shop_overview";
    PAYMENTS_SENT_BY_ACCOUNTS = "payments_sent_by_accounts";
    ORDER_BY_ID = "order_by_id";
    REVIEW_BY_ID = "review_by_id";
    ACCOUNT_ORDERS = "account_orders";
    ACCOUNT_REVIEWS = "account_reviews";
    ACCOUNT_PAYMENTS_SENT = "account_payments_sent";
    ACCOUNT_PAYMENTS_RECEIVED = "account_payments_received";
    ACCOUNT_IDENTIFIERS = "account_identifiers";
    ACCOUNT_LINKED_ACCOUNTS = "account_linked_accounts";
    ACCOUNT_SHOPS = "account_shops";
    ACCOUNT_MESSAGES = "account_messages";
    SHOP_REVIEWS = "shop_reviews";
    ORDERS_BY_IDS = "orders_by_ids";
    ORDERS_BY_ACCOUNTS = "orders_by_accounts";
    ORDERS_BY_SHOPS = "orders_by_shops";
    REVIEWS_BY_AUTHORS = "reviews_by_authors";
    REVIEWS_BY_SHOPS = "reviews_by_shops";
    REVIEWS_BY_ORDERS = "reviews_by_orders";
    ORDER_PAYMENTS_BY_ORDERS = "order_payments_by_orders";
    EVENTS_BY_REVIEWS = "events_by_reviews";
    COMPLAINTS_BY_REVIEWS = "complaints_by_reviews";

    RINGS_SHOPS = "rings_shops";
    RINGS_NEGATIVE_REVIEWS = "rings_negative_reviews";
    RINGS_OWNER_TRANSFERS = "rings_owner_transfers";
    RINGS_OWNER_CONTACTS = "rings_owner_contacts";
    RINGS_REVIEW_RETRACTIONS = "rings_review_retractions";
    RINGS_IDENTIFIER_TIES = "rings_identifier_ties";
    RINGS_REFERRAL_TIES = "rings_referral_ties";
    RINGS_TRANSFER_TIES = "rings_transfer_ties";
    RINGS_PAID_REVIEWERS = "rings_paid_reviewers";
    RINGS_MESSAGE_TIES = "rings_message_ties";
    RINGS_NEGATIVE_REVIEWS_IN = "rings_negative_reviews_in";
    RINGS_OWNER_TRANSFERS_IN = "rings_owner_transfers_in";
    RINGS_OWNER_CONTACTS_IN = "rings_owner_contacts_in";
    RINGS_REVIEW_RETRACTIONS_IN = "rings_review_retractions_in";
    RINGS_PAID_REVIEWERS_IN = "rings_paid_reviewers_in";
    INCREMENTAL_TOUCHED = "incremental_touched";
    INCREMENTAL_NEGATIVE_SHOPS = "incremental_negative_shops";
    INCREMENTAL_OWNER_SHOPS = "incremental_owner_shops";
    INCREMENTAL_OWNER_MATES = "incremental_owner_mates";
    INCREMENTAL_SHOPS_OF_OWNERS = "incremental_shops_of_owners";
    INCREMENTAL_SCOPE_WEIGHT = "incremental_scope_weight";
    INCREMENTAL_TOTAL_WEIGHT = "incremental_total_weight";
    INCREMENTAL_PREV_RINGS = "incremental_prev_rings";
    INCREMENTAL_SHOP_REVIEWERS = "incremental_shop_reviewers";
    INCREMENTAL_OWNER_PAYEES = "incremental_owner_payees";
    DETECTION_RUN_CHAIN_PAIRS = "detection_run_chain_pairs";
    DETECTION_RUN_CHAIN_PAIRS_SET = "detection_run_chain_pairs_set";
    DETECTION_RUN_CHAIN_PAIRS_PURGE = "detection_run_chain_pairs_purge";
    RINGS_CARRY = "rings_carry";
    INCIDENTS_CARRY = "incidents_carry";
    DETECTION_RUN_SCOPE = "detection_run_scope";
    RINGS_PURGE = "rings_purge";
    RINGS_STORE = "rings_store";
    RINGS_LIST = "rings_list";
    RING_BY_ID = "ring_by_id";
    RING_MEMBERSHIPS = "ring_memberships";
    INCIDENTS_PURGE = "incidents_purge";
    INCIDENTS_STORE = "incidents_store";
    INCIDENTS_LIST = "incidents_list";
    INCIDENT_BY_ID = "incident_by_id";
    EXTORTION_ATTEMPTS = "extortion_attempts";
    EXTORTION_ATTEMPT_PAIRS = "extortion_attempt_pairs";
    REVIEWS_BY_IDS = "reviews_by_ids";
    SHOPS_BY_IDS = "shops_by_ids";

    LINEAGE_START = "lineage_start";
    LINEAGE_TIES = "lineage_ties";
    LINEAGE_UPSTREAM = "lineage_upstream";
    LINEAGE_REVIEWS = "lineage_reviews";
    LINEAGE_OWNED_SHOPS = "lineage_owned_shops";

    INSIDER_REMOVALS = "insider_removals";
    INSIDER_REMOVALS_OF = "insider_removals_of";
    INSIDER_PROXIES = "insider_proxies";
    INSIDER_MONEY = "insider_money";
    INSIDER_PURGE = "insider_purge";
    DETECTION_LOCK_ACQUIRE = "detection_lock_acquire";
    DETECTION_LOCK_RENEW = "detection_lock_renew";
    DETECTION_LOCK_RELEASE = "detection_lock_release";
    DETECTION_RUN_START = "detection_run_start";
    DETECTION_RUN_COMPLETE = "detection_run_complete";
    DETECTION_RUN_FAIL = "detection_run_fail";
    DETECTION_RUNS_LIST = "detection_runs_list";
    DETECTION_CURRENT_RUN = "detection_current_run";
    INSIDER_STORE = "insider_store";
    INSIDER_LIST = "insider_list";
    INSIDER_SUSPECT_OF = "insider_suspect_of";

    // --- cases ---
    CASE_CREATE = "case_create";
    CASE_ATTACH = "case_attach";
    CASE_NOTE = "case_note";
    CASE_SET_STATUS = "case_set_status";
    CASE_ASSIGN = "case_assign";
    CASE_BY_ID = "case_by_id";
    CASES_LIST = "cases_list";
    CASE_NOTES = "case_notes";
    CASE_EVENTS = "case_events";
    CASE_SNAPSHOTS = "case_snapshots";
    CASE_SUBJECTS = "case_subjects";
    DISMISSALS_OF = "dismissals_of";
    DETECTION_RUN_TIMES = "detection_run_times";
    EXPORT_NODE_RECORDS = "export_node_records";
    // --- end cases ---
    // --- masking ---
    ACCOUNT_NAMES_AMONG = "account_names_among";
}

#[cfg(test)]
mod tests {
    use super::{Cypher, ALL};
    use std::collections::BTreeSet;

    fn read_only(text: &str) -> bool {
        Cypher { name: "t", text }.is_read_only()
    }

    #[test]
    fn writes_are_told_from_reads() {
        assert!(read_only(
            "MATCH (a:Account {id: $id}) RETURN a.offset AS o"
        ));
        assert!(read_only(
            "// CREATE in a comment\nMATCH (n) WHERE n.note = 'SET x' RETURN n"
        ));
        assert!(read_only("SHOW INDEXES YIELD name"));
        assert!(read_only("CALL db.awaitIndexes(300)"));
        assert!(!read_only("MATCH (n) SET n.x = 1"));
        assert!(!read_only("UNWIND $rows AS r MERGE (a:Account {id: r.id})"));
        assert!(!read_only("MATCH (n) DETACH DELETE n"));
        assert!(!read_only("CALL { MATCH (n) REMOVE n.x } IN TRANSACTIONS"));
        assert!(!read_only(
            "create constraint c if not exists for (n:A) require n.id is unique"
        ));
        assert!(!read_only("CALL db.createLabel('X')"));
    }

    #[test]
    fn the_catalog_reads_where_it_should() {
        let find = |name: &str| ALL.iter().find(|q| q.name == name).unwrap().is_read_only();
        assert!(find("account_by_id"));
        assert!(find("ping"));
        assert!(!find("audit_append"));
        assert!(!find("case_note"));
        assert!(!find("token_revoke"));
        assert!(!find("detection_lock_acquire"));
    }

    #[test]
    fn every_query_file_is_in_the_catalog() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/queries");
        let files: BTreeSet<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|n| n.strip_suffix(".cypher").map(str::to_string))
            .collect();
        let loaded: BTreeSet<String> = ALL.iter().map(|q| q.name.to_string()).collect();
        assert_eq!(files, loaded, "queries/ and the catalog disagree");
    }

    #[test]
    fn every_query_opens_with_a_header_comment() {
        for q in ALL {
            assert!(
                q.text.starts_with("//"),
                "{} lacks its header comment",
                q.name
            );
        }
    }
}
