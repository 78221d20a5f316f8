// Indexes not yet online, with their state and how far their population is (0-100), for a
// progress report while a bulk load's indexes are built. Params: none.
SHOW INDEXES YIELD name, state, populationPercent
WHERE state <> 'ONLINE'
RETURN name, state, populationPercent AS percent
