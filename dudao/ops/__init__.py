"""What operators and their tools read: the health check and the metrics (docs/deploy.md)."""
