use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{run_with, values};
use crate::dissect::{Dissection, Pass};

fn run(bytes: &[u8], from_client: bool) -> Dissection {
    let (sport, dport) = if from_client { (40000, FTP_PORT) } else { (FTP_PORT, 40000) };
    let seg = TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true };
    run_with(&mut Session::new(), bytes, 1, 0, Pass::First, |cx, b| dissect_tcp(cx, b, &seg).unwrap()).0
}

#[test]
fn commands_and_replies() {
    let d = run(b"USER anonymous\r\n", true);
    assert_eq!(d.cols.info, "Request: USER anonymous");
    assert_eq!((values(&d, &COMMAND), values(&d, &ARG)), (vec!["USER".to_string()], vec!["anonymous".to_string()]));
    assert_eq!((values(&d, &REQUEST), values(&d, &RESPONSE)), (vec!["1".to_string()], vec!["0".to_string()]));
    let d = run(b"PWD\r\n", true);
    assert!(values(&d, &ARG).is_empty());
    let d = run(b"220-first line\r\n220 pyftpdlib ready.\r\n", false);
    assert_eq!(d.cols.info, "Response: 220-first line");
    // Only the first line of a segment is read as a reply.
    assert_eq!((values(&d, &CODE), values(&d, &RESPONSE_ARG)), (vec!["220".to_string()], vec!["first line".to_string()]));
}

#[test]
fn data_connection_addresses() {
    let d = run(b"227 Entering passive mode (127,0,0,1,162,55).\r\n", false);
    assert_eq!((values(&d, &PASSIVE_IP), values(&d, &PASSIVE_PORT)), (vec!["127.0.0.1".to_string()], vec!["41527".to_string()]));
    let d = run(b"PORT 127,0,0,1,231,89\r\n", true);
    assert_eq!(values(&d, &ACTIVE_PORT), ["59225"]);
    let d = run(b"EPRT |1|127.0.0.1|40949|\r\n", true);
    assert_eq!((values(&d, &EPRT_AF), values(&d, &EPRT_IP), values(&d, &EPRT_PORT)), (vec!["1".into()], vec!["127.0.0.1".into()], vec!["40949".to_string()]));
    let d = run(b"229 Entering extended passive mode (|||53579|).\r\n", false);
    assert_eq!(values(&d, &EPSV_PORT), ["53579"]);
    // Malformed arguments give no address.
    assert!(values(&d, &PASSIVE_PORT).is_empty());
    assert_eq!(six_numbers(b"x 1,2,3 then 10,0,0,2,1,2"), Some((Ipv4Addr::new(10, 0, 0, 2), 258)));
    assert_eq!(six_numbers(b"1,2,3,4,5"), None);
    assert_eq!(eprt(b"|3|x|1|"), None);
    assert_eq!(epsv_port(b"(|||)"), None);
}

fn v4(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

#[test]
fn announcements_name_the_data_connection() {
    let (client, server) = (v4(1), v4(21));
    let s = data_setup(b"PORT 127,0,0,1,182,11\r\n", true, client, server).unwrap();
    assert_eq!((s.fixed, s.other, s.method), ((server, 20), client, "PORT"));
    let s = data_setup(b"EPRT |1|127.0.0.1|40949|\r\n", true, client, server).unwrap();
    assert_eq!((s.fixed, s.other, s.method), ((client, 40949), client, "EPRT"));
    let s = data_setup(b"227 Entering passive mode (127,0,0,21,129,187).\r\n", false, server, client).unwrap();
    assert_eq!((s.fixed, s.other, s.method), ((server, 33211), client, "PASV"));
    let s = data_setup(b"229 Entering extended passive mode (|||43415|).\r\n", false, server, client).unwrap();
    assert_eq!((s.fixed, s.other, s.method), ((server, 43415), client, "EPASV"));
    // Only the first line counts, and a reply is no command.
    assert_eq!(data_setup(b"NOOP\r\nPORT 127,0,0,1,1,2\r\n", true, client, server), None);
    assert_eq!(data_setup(b"PORT 127,0,0,1,1,2\r\n", false, server, client), None);
    assert_eq!(data_setup(b"229 no port here\r\n", false, server, client), None);
}

#[test]
fn working_directory() {
    assert_eq!(quoted_path(br#""/pub" is the current directory."#).as_deref(), Some("/pub"));
    assert_eq!(quoted_path(br#""/a ""b""" created"#).as_deref(), Some(r#"/a "b""#));
    assert_eq!(quoted_path(b"/pub without quotes"), None);
    assert_eq!(quoted_path(br#""unterminated"#), None);
    assert_eq!(change_dir("/", "pub"), "/pub");
    assert_eq!(change_dir("/pub/", "x/./y"), "/pub/x/y");
    assert_eq!(change_dir("/pub/x", ".."), "/pub");
    assert_eq!(change_dir("/pub", ".."), "/");
    assert_eq!(change_dir("/pub", "/etc"), "/etc");
    // Onto an unknown directory a relative path is taken as it is.
    assert_eq!(change_dir("", "pub/.."), "pub/..");
}

#[test]
fn a_stream_takes_the_latest_announcement_once() {
    let mut st = state::FtpState::default();
    for (frame, port) in [(5, 1000), (9, 1000)] {
        st.data.push(state::DataConv {
            fixed: (v4(21), port),
            other: v4(1),
            setup_frame: frame,
            method: "PASV",
            cwd: "".into(),
            command: None,
            taken: false,
            seen: Default::default(),
        });
    }
    // The client's side first: either endpoint order finds it.
    assert_eq!(st.take(3, (v4(1), 50000), (v4(21), 1000)), Some(1));
    assert_eq!(st.take(4, (v4(21), 1000), (v4(1), 50001)), Some(0));
    assert_eq!(st.take(5, (v4(21), 1000), (v4(1), 50002)), None);
    // The other address must be the announced one.
    st.data[0].taken = false;
    assert_eq!(st.take(6, (v4(21), 1000), (v4(2), 50003)), None);
    assert_eq!(st.streams.get(&3), Some(&1));
}

/// A control session through `dissect_tcp` on one session: the client at
/// 127.0.0.1:40000, the server at 127.0.0.21:21, stream 0.
fn control(session: &mut Session, frame: u32, bytes: &[u8], from_client: bool, pass: Pass) -> Dissection {
    let (sport, dport) = if from_client { (40000, FTP_PORT) } else { (FTP_PORT, 40000) };
    let net = if from_client { (v4(1), v4(21)) } else { (v4(21), v4(1)) };
    let seg = TcpSeg { stream: 0, from_client, sport, dport, fin: false, can_desegment: true };
    run_with(session, bytes, frame, frame as i64, pass, |cx, b| {
        cx.net = Some(net);
        dissect_tcp(cx, b, &seg).unwrap()
    })
    .0
}

fn data_segment(session: &mut Session, frame: u32, bytes: &[u8], pass: Pass) -> Dissection {
    let seg = TcpSeg { stream: 1, from_client: false, sport: 33211, dport: 50000, fin: false, can_desegment: true };
    run_with(session, bytes, frame, frame as i64 * 10, pass, |cx, b| data::dissect_tcp(cx, b, &seg).unwrap()).0
}

#[test]
fn a_data_connection_knows_its_setup_and_command() {
    let mut s = Session::new();
    let d = control(&mut s, 1, b"USER anonymous\r\n", true, Pass::First);
    assert_eq!(values(&d, &CWD), [""]);
    control(&mut s, 2, b"CWD pub\r\n", true, Pass::First);
    // The directory was unknown: Wireshark takes the relative one as it is.
    let d = control(&mut s, 3, b"250 \"/pub\" is the current directory.\r\n", false, Pass::First);
    assert_eq!(values(&d, &CWD), ["pub"]);
    control(&mut s, 4, b"227 Entering passive mode (127,0,0,21,129,187).\r\n", false, Pass::First);
    control(&mut s, 5, b"RETR notes.txt\r\n", true, Pass::First);
    control(&mut s, 6, b"NOOP\r\n", true, Pass::First);
    assert_eq!(s.ftp.take(1, (v4(21), 33211), (v4(1), 50000)), Some(0));
    let d = data_segment(&mut s, 7, b"first line\nsecond line\n", Pass::First);
    assert_eq!(d.cols.info, "FTP Data: 23 bytes (PASV) (RETR notes.txt)");
    assert_eq!(d.protocols, "ftp-data:data-text-lines");
    assert_eq!(values(&d, &data::SETUP_FRAME), ["4"]);
    assert_eq!(values(&d, &data::COMMAND_FRAME), ["5"]);
    assert_eq!(values(&d, &data::CWD), ["pub"]);
    // Bytes that do not look like text are no text lines.
    let d = data_segment(&mut s, 8, b"\x00\x01binary", Pass::First);
    assert_eq!(d.protocols, "ftp-data");
    // A later pass sums the transfer up under the command and the setup.
    let d = control(&mut s, 5, b"RETR notes.txt\r\n", true, Pass::Revisit);
    let got: Vec<_> = [&RESPONSE_FRAMES, &RESPONSE_BYTES, &RESPONSE_FIRST, &RESPONSE_LAST, &RESPONSE_DURATION, &SETUP_FRAME]
        .iter()
        .map(|f| values(&d, f).join(","))
        .collect();
    assert_eq!(got, ["2", "31", "7", "8", "10", "4"]);
    let d = control(&mut s, 4, b"227 Entering passive mode (127,0,0,21,129,187).\r\n", false, Pass::Revisit);
    assert_eq!((values(&d, &SETUP_COMMAND), values(&d, &COMMAND_FRAME)), (vec!["RETR notes.txt".to_string()], vec!["5".to_string()]));
    // The revisit changed nothing: NOOP did not replace the command.
    assert_eq!(values(&d, &CWD), ["pub"]);
}
