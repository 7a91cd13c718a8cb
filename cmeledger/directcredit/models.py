"""Direct-credit applications: a clinician applies with evidence, board staff decide; approved ones become entries."""
