"""Vaccination (PH-4, JC-32): the national childhood schedule, forecasting and catch-up."""
