//! French address normalisation.
