// Dismissals recorded for these member signatures (a finding whose group an analyst
// dismissed), newest first. Params: $signatures. Returns: signature, caseId, reason, at, by.
UNWIND $signatures AS s
MATCH (d:Dismissal {signature: s})
RETURN d.signature AS signature, d.caseId AS caseId, d.reason AS reason, d.at AS at,
       d.by AS by
ORDER BY at DESC, caseId
