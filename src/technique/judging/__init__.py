"""Numbers to a teacher's verdict: reference positions as data, recognition, criteria, stories."""
