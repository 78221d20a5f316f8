// Names of the indexes in place, so that schema apply can skip statements already in effect.
// A uniqueness constraint's backing index carries the constraint's name, so this lists the
// constraints too.
SHOW INDEXES YIELD name
