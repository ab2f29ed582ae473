"""Evidence and reports: the transcript, Allure glue, the terminal summary."""
