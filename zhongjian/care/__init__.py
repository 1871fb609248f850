"""Care (心理疏导): confidential counseling with separate consent, follow-ups and screening."""
