// Node counts per record kind, for the `stats` query and load summaries. Params: none.
RETURN COUNT { (:Account) } AS accounts, COUNT { (:Shop) } AS shops, COUNT { (:Identifier) } AS identifiers,
       COUNT { (:Order) } AS orders, COUNT { (:Payment) } AS payments, COUNT { (:Review) } AS reviews,
       COUNT { (:Complaint) } AS complaints, COUNT { (:ReviewEvent) } AS reviewEvents,
       COUNT { (:Message) } AS messages, COUNT { ()-[]->() } AS relationships
