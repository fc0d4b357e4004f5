//! What a reader of a publication knows — one model for the secondary suppression, which
//! protects against it, and for the audit, which proves from the published file alone that it
//! recovers nothing.
//!
//! * [`view`]: the rows of the layers, and the relations between them that the layer keys and
//!   the definitions reveal (a bâtiment is the sum of its cages, a commune the sum of its IRIS
//!   plus the dwellings located in none…). Every relation is an exact sum: what a relation
//!   leaves unexplained is an explicit *rest* row, unknown but never negative, and the
//!   territory-wide totals of the manifest are rows over those rests;
//! * [`bounds`]: what the published values *and the statuses* of a row say about each measure
//!   (a published share with its base gives its numerator within the rounding; a
//!   `secret_secondaire` value has a base of at least `min_units`, a `secret_effectif` one at
//!   most `min_units − 1`; a row that exists holds at least one dwelling);
//! * [`disclosure`]: when an unpublished value counts as recovered, and the zeros implied by a
//!   published zero of a containing row, which do not.

pub mod bounds;
pub mod disclosure;
pub mod view;

pub use bounds::{row_bounds, row_bounds_hiding, Bound, Facts};
pub use disclosure::{determined, Range};
pub use view::{KeyMap, RelKind, Relation, RowKey, RowKind, Total, View};
