"""Board audits: a seeded sample of diplomates, the entries each must prove, staff decisions and history."""
