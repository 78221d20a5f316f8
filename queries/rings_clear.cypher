// Deletes the stored rings of earlier runs (rings are recomputed as a whole). Params: none.
MATCH (g:Ring)
DETACH DELETE g
