"""What users see about their own progress."""
