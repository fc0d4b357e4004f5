//! The dimensions of a published cell: scale, population and QPV split.

/// The scales of annexe 2 of the convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scale {
    Region,
    Departement,
    Epci,
    Commune,
    Qpv,
    Qva,
    Iris,
    Programme,
    Batiment,
    Cage,
}

impl Scale {
    pub const ALL: [Scale; 10] = [
        Scale::Region,
        Scale::Departement,
        Scale::Epci,
        Scale::Commune,
        Scale::Qpv,
        Scale::Qva,
        Scale::Iris,
        Scale::Programme,
        Scale::Batiment,
        Scale::Cage,
    ];

    /// Machine name (`echelle` column), ASCII.
    pub fn key(self) -> &'static str {
        match self {
            Scale::Region => "region",
            Scale::Departement => "departement",
            Scale::Epci => "epci",
            Scale::Commune => "commune",
            Scale::Qpv => "qpv",
            Scale::Qva => "qva",
            Scale::Iris => "iris",
            Scale::Programme => "programme",
            Scale::Batiment => "batiment",
            Scale::Cage => "cage",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Scale::Region => "Région",
            Scale::Departement => "Département",
            Scale::Epci => "EPCI",
            Scale::Commune => "Commune",
            Scale::Qpv => "Quartier prioritaire (QPV)",
            Scale::Qva => "Quartier de veille active (QVA)",
            Scale::Iris => "IRIS",
            Scale::Programme => "Programme-résidence",
            Scale::Batiment => "Bâtiment",
            Scale::Cage => "Cage d'escalier",
        }
    }

    /// Scales split into QPV / hors QPV parts (annexe 2).
    pub fn has_qpv_split(self) -> bool {
        matches!(
            self,
            Scale::Region | Scale::Departement | Scale::Epci | Scale::Commune
        )
    }

    /// Scales published as points at a representative location of their dwellings.
    pub fn is_point(self) -> bool {
        matches!(self, Scale::Programme | Scale::Batiment | Scale::Cage)
    }
}

/// The two populations of annexe 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Population {
    /// All households (and all dwellings).
    Ensemble,
    /// Households that moved in less than two years before the reference date.
    Recents,
}

impl Population {
    pub const ALL: [Population; 2] = [Population::Ensemble, Population::Recents];

    pub fn key(self) -> &'static str {
        match self {
            Population::Ensemble => "ensemble",
            Population::Recents => "recents",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Population::Ensemble => "ensemble des ménages",
            Population::Recents => "emménagés récents",
        }
    }
}

/// The QPV split of the larger scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Split {
    /// The whole zone.
    Tout,
    /// Its part inside a QPV.
    Qpv,
    /// Its part outside every QPV.
    HorsQpv,
}

impl Split {
    pub const ALL: [Split; 3] = [Split::Tout, Split::Qpv, Split::HorsQpv];

    pub fn key(self) -> &'static str {
        match self {
            Split::Tout => "tout",
            Split::Qpv => "qpv",
            Split::HorsQpv => "hors_qpv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Split::Tout => "",
            Split::Qpv => "partie en QPV",
            Split::HorsQpv => "partie hors QPV",
        }
    }
}
