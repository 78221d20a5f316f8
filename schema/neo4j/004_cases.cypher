// Cases: analysts' investigations, their attached findings and entities, notes, history,
// and the dismissals that keep a false positive dismissed across detection runs.
CREATE CONSTRAINT case_id IF NOT EXISTS FOR (n:Case) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT case_item_id IF NOT EXISTS FOR (n:CaseItem) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT case_note_id IF NOT EXISTS FOR (n:CaseNote) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT case_event_id IF NOT EXISTS FOR (n:CaseEvent) REQUIRE n.id IS UNIQUE;
// Findings look up whether their member signature was dismissed.
CREATE INDEX dismissal_signature IF NOT EXISTS FOR (n:Dismissal) ON (n.signature);
// Cases listed by the finding or entity they hold.
CREATE INDEX case_item_ref IF NOT EXISTS FOR (n:CaseItem) ON (n.ref);
