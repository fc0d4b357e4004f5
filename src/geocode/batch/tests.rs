use super::*;

fn fields<'a>(numvoie: &'a str, indrep: &'a str, typvoie: &'a str) -> AddressFields<'a> {
    AddressFields {
        numvoie,
        indrep,
        typvoie,
        nomvoie: " PIRON ",
        depcom: "21231",
        ..Default::default()
    }
}

#[test]
fn raw_address_from_rpls_fields() {
    let r = fields("0012", "9", "99").to_raw();
    assert_eq!(
        (r.number.as_str(), r.index.as_str(), r.street_type.as_str()),
        ("12", "", "")
    );
    assert_eq!(r.street_name, "PIRON");
    assert_eq!(fields("000", "B", "R").to_raw().number, "0");
    assert_eq!(fields("012B", "", "R").to_raw().number, "12B");
    assert_eq!(fields("", "", "R").to_raw().number, "");
    assert_eq!(fields("0B", "", "R").to_raw().number, "0B");
}
