"""Teams: a manager invites clinicians; members share their status, never their entries."""
