"""The faces: the command line, batch scoring, the dashboard and live practice."""
