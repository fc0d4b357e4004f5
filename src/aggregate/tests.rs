//! Hand-computed aggregation fixtures.
