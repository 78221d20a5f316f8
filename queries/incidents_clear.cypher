// Deletes the stored extortion incidents of earlier runs. Params: none.
MATCH (i:Incident)
DETACH DELETE i
