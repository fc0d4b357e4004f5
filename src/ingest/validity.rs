//! Polygon validity: OGC checks with the reason in French, and repair.
