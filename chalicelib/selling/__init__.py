"""Selling: voucher codes, ticket types, waiting lists and reminders."""
