//! TCP ports that Wireshark's port table gives to protocols we do not
//! dissect, whose dissectors take an HTTP exchange before the HTTP heuristic
//! sees it (the port table is tried first). A client that happens to pick
//! such an ephemeral port (44818 EtherNet/IP, 48898 AMS on Linux) talks HTTP
//! that tshark shows as that protocol, or as TCP segments it waits to
//! reassemble.
//!
//! Found by experiment on tshark 4.0: `sample-captures/http_port_claims.py`
//! writes one GET and its response per port of `tshark -G decodes` (client
//! port P, server 8081), and these are the ports whose request tshark did
//! not show as HTTP. Our own ports (21, 25, 53, …) are among them, harmless:
//! our port table is tried before this list.

/// Whether Wireshark's dissector for TCP `port` takes HTTP bytes from the
/// HTTP heuristic.
pub fn taken_from_heuristic(port: u16) -> bool {
    TAKEN.binary_search(&port).is_ok()
}

static TAKEN: &[u16] = &[
    7, 13, 19, 20, 21, 22, 23, 25, 37, 42, 43, 49, 53, 70, 79, 88, 102, 110, 111, 119, 123, 139, 143, 161, 162, 179,
    210, 323, 389, 427, 445, 464, 500, 512, 513, 514, 515, 524, 547, 548, 554, 564, 587, 639, 647, 674, 705, 854,
    862, 873, 925, 988, 1080, 1090, 1099, 1102, 1153, 1194, 1213, 1433, 1533, 1547, 1723, 1755, 1861, 1863, 1883,
    1935, 2099, 2123, 2126, 2152, 2234, 2240, 2269, 2321, 2322, 2345, 2401, 2404, 2433, 2501, 2502, 2571, 2575, 2600,
    2812, 2944, 2945, 3014, 3016, 3017, 3018, 3019, 3245, 3246, 3247, 3248, 3268, 3288, 3306, 3357, 3369, 3452, 3478,
    3632, 3671, 3724, 3804, 3860, 3863, 3868, 3918, 4002, 4155, 4189, 4223, 4342, 4420, 4551, 4555, 4556, 4712, 4730,
    4739, 4788, 4840, 4880, 5010, 5060, 5084, 5222, 5253, 5353, 5432, 5445, 5500, 5501, 5534, 5672, 5683, 5701, 5900,
    5901, 5997, 6000, 6001, 6002, 6003, 6004, 6005, 6006, 6007, 6008, 6009, 6010, 6011, 6012, 6013, 6014, 6015, 6016,
    6017, 6018, 6019, 6020, 6021, 6022, 6023, 6024, 6025, 6026, 6027, 6028, 6029, 6030, 6031, 6032, 6033, 6034, 6035,
    6036, 6037, 6038, 6039, 6040, 6041, 6042, 6043, 6044, 6045, 6046, 6047, 6048, 6049, 6050, 6051, 6052, 6053, 6054,
    6055, 6056, 6057, 6058, 6059, 6060, 6061, 6062, 6063, 6068, 6084, 6121, 6160, 6346, 6379, 6417, 6653, 6667, 6668,
    6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889, 7000, 7075, 7171, 7172, 7236, 7275, 7276, 7871, 7911, 8009,
    8023, 8074, 8085, 8554, 8567, 9009, 9092, 9300, 9418, 9956, 10288, 11211, 13400, 14001, 15740, 17500, 17755,
    17756, 19006, 19042, 19043, 19506, 19543, 21064, 22222, 24800, 29418, 34980, 44321, 44322, 44818, 48049, 48898,
    57000,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_its_search() {
        assert!(TAKEN.windows(2).all(|w| w[0] < w[1]));
        assert!(taken_from_heuristic(44818) && taken_from_heuristic(48898) && !taken_from_heuristic(40000));
    }
}
