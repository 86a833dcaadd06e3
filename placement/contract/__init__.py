"""What a valid input is (CONTRACT §1–§2): enumerations, dates, the dataset, the policy, the
canonical form and the readers of the three file forms with their validation."""
