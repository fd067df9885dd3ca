"""What people read: reports, annotated video and stills, the history of a student's sessions."""
