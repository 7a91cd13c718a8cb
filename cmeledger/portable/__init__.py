"""The portable ledger: a clinician's whole record (profile, licenses, certifications,
requirement-set enrollments, certificates, entries with history) exported and imported
between installs. It reads and writes accounts, ledger and requirements, so it sits
above all three (docs/architecture.md)."""
