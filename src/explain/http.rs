//! HTTP's story: methods, status codes and header fields, after RFC 9110
//! (semantics) and RFC 9112 (HTTP/1.1's message syntax).

use super::{Item, Story};

pub(super) fn story(it: &Item) -> Option<Story> {
    let value = it.text();
    match it.name() {
        "http.request.method" => {
            let (what, section) = match value.as_str() {
                "GET" => ("asks for the current representation of the resource named by the URI; it changes nothing on the server", "9.3.1"),
                "HEAD" => ("is GET without the body: the response carries only the header fields (size, type, dates)", "9.3.2"),
                "POST" => ("sends the body to the resource to be processed (a form, an upload); repeating it may repeat its effect", "9.3.3"),
                "PUT" => ("replaces the resource at the URI with the body", "9.3.4"),
                "DELETE" => ("asks the server to remove the resource", "9.3.5"),
                "CONNECT" => ("asks a proxy for a tunnel to the host and port named (HTTPS through a proxy)", "9.3.6"),
                "OPTIONS" => ("asks which methods and features the resource supports (browsers send it before cross-origin requests)", "9.3.7"),
                "TRACE" => ("asks the server to echo the request back", "9.3.8"),
                _ => ("is not one of RFC 9110's methods (an extension, or not HTTP at all)", "9"),
            };
            Story::new(format!("RFC 9110, section {section}"), vec![format!("{value} {what}.")])
        }
        "http.response.code" | "http.response.code.desc" => {
            let code = it.num("http.response.code")?;
            let (what, section) = status(code);
            let class = match code / 100 {
                1 => "1xx: informational, the final response is still to come",
                2 => "2xx: success",
                3 => "3xx: redirection, the client must do something more (another URI, or use its cache)",
                4 => "4xx: the client's error",
                5 => "5xx: the server's error",
                _ => "outside the five classes",
            };
            Story::new(format!("RFC 9110, section {section}"), vec![format!("{code}: {what}"), format!("The first digit gives the class, {class}.")])
        }
        "http.request.uri" => Story::new(
            "RFC 9112, section 3.2 (request target); RFC 9110, section 4.2.1",
            vec![format!(
                "Request target {value}: the path (and query) of the resource on the server named by Host; together they make the URL http://host{value}."
            )],
        ),
        "http.request.version" | "http.response.version" => Story::new(
            "RFC 9112, section 2.3 (HTTP version)",
            vec![format!(
                "{value}: {}",
                match value.as_str() {
                    "HTTP/1.1" => "connections stay open for more requests unless a side sends \"Connection: close\", and requests must carry Host.",
                    "HTTP/1.0" => "one request per connection unless both sides agree to keep it alive; the server closes after the response.",
                    _ => "the version the sender speaks.",
                }
            )],
        ),
        "http.content_length" | "http.content_length_header" => Story::new(
            "RFC 9110, section 8.6 (Content-Length); RFC 9112, section 6.3 (message body length)",
            vec![format!(
                "Content-Length {value}: the body is exactly {value} bytes, so the receiver knows where this message ends and the next one on the connection begins."
            )],
        ),
        _ => header(it, &value),
    }
}

/// A status code's meaning and its section of RFC 9110.
fn status(code: u64) -> (&'static str, &'static str) {
    match code {
        100 => ("Continue: send the body now.", "15.2.1"),
        101 => ("Switching Protocols: the connection changes protocol (a WebSocket upgrade).", "15.2.2"),
        200 => ("OK: the request succeeded; for GET the body is the resource.", "15.3.1"),
        201 => ("Created: the request made a new resource, named by Location.", "15.3.2"),
        204 => ("No Content: success, and there is no body.", "15.3.5"),
        206 => ("Partial Content: the body is the range the client asked for.", "15.3.7"),
        301 => ("Moved Permanently: the resource has a new URI (in Location) for good; links should be updated.", "15.4.2"),
        302 => ("Found: the resource is for now at the URI in Location.", "15.4.3"),
        303 => ("See Other: get the result from the URI in Location (after a POST).", "15.4.4"),
        304 => ("Not Modified: the client's cached copy is still good, so no body is sent.", "15.4.5"),
        307 => ("Temporary Redirect: repeat the request, same method, at the URI in Location.", "15.4.8"),
        308 => ("Permanent Redirect: like 301, keeping the method.", "15.4.9"),
        400 => ("Bad Request: the server could not understand the request.", "15.5.1"),
        401 => ("Unauthorized: credentials are needed; WWW-Authenticate says how.", "15.5.2"),
        403 => ("Forbidden: the server understood and refuses.", "15.5.4"),
        404 => ("Not Found: the server has nothing at this URI (the body is usually an error page).", "15.5.5"),
        405 => ("Method Not Allowed: the resource does not support this method; Allow lists the ones it does.", "15.5.6"),
        408 => ("Request Timeout: the client took too long to send its request.", "15.5.9"),
        413 => ("Content Too Large: the body is bigger than the server accepts.", "15.5.14"),
        418 => ("I'm a teapot: reserved, unused.", "15.5.19"),
        500 => ("Internal Server Error: the server failed while handling the request.", "15.6.1"),
        501 => ("Not Implemented: the server does not support the method.", "15.6.2"),
        502 => ("Bad Gateway: a proxy got an invalid answer from the server behind it.", "15.6.3"),
        503 => ("Service Unavailable: the server is overloaded or down for maintenance.", "15.6.4"),
        504 => ("Gateway Timeout: a proxy got no answer in time from the server behind it.", "15.6.5"),
        _ => ("a status code RFC 9110 does not define; the first digit still gives its class.", "15"),
    }
}

/// A header field's meaning and where it is defined.
fn header(it: &Item, value: &str) -> Option<Story> {
    let (name, what, read) = match it.name() {
        "http.host" => ("Host", "the host (and port) the request is for, so one server address can serve many sites; HTTP/1.1 requires it", "RFC 9110, section 7.2"),
        "http.user_agent" => ("User-Agent", "the client software making the request", "RFC 9110, section 10.1.5"),
        "http.content_type" => ("Content-Type", "the media type of the body (text/html, image/png), which tells the receiver how to read it", "RFC 9110, section 8.3"),
        "http.connection" => ("Connection", "options for this connection only: \"close\" means the sender closes after this message, \"keep-alive\" asks to keep it open", "RFC 9110, section 7.6.1"),
        "http.server" => ("Server", "the server software that answered", "RFC 9110, section 10.2.4"),
        "http.accept" => ("Accept", "the media types the client takes in the response, with preferences (q=)", "RFC 9110, section 12.5.1"),
        "http.accept_encoding" => ("Accept-Encoding", "the content codings (gzip, br) the client can decompress", "RFC 9110, section 12.5.3"),
        "http.accept_language" => ("Accept-Language", "the natural languages the client prefers", "RFC 9110, section 12.5.4"),
        "http.referer" => ("Referer", "the page whose link led to this request", "RFC 9110, section 10.1.3"),
        "http.date" => ("Date", "when the message was made, in GMT", "RFC 9110, section 6.6.1"),
        "http.location" => ("Location", "the URI to go to (a redirect) or of the resource just created", "RFC 9110, section 10.2.2"),
        "http.last_modified" => ("Last-Modified", "when the resource last changed; a client revalidates its cache with If-Modified-Since", "RFC 9110, section 8.8.2"),
        "http.cache_control" => ("Cache-Control", "how long and by whom the response may be cached", "RFC 9111, section 5.2"),
        "http.transfer_encoding" => ("Transfer-Encoding", "how the body is framed on the wire; \"chunked\" sends it in pieces, each with its size, ending with a zero-size chunk", "RFC 9112, section 6.1"),
        "http.content_encoding" => ("Content-Encoding", "the compression applied to the body (gzip), undone by the receiver", "RFC 9110, section 8.4"),
        "http.authorization" => ("Authorization", "the client's credentials (Basic ones are only base64, readable by anyone capturing)", "RFC 9110, section 11.6.2"),
        "http.www_authenticate" => ("WWW-Authenticate", "how the client must authenticate (sent with 401)", "RFC 9110, section 11.6.1"),
        "http.cookie" => ("Cookie", "the cookies the client stored for this site, sent back on each request", "RFC 6265, section 5.4"),
        "http.set_cookie" => ("Set-Cookie", "a cookie the server asks the client to store and send back", "RFC 6265, section 4.1"),
        "http.upgrade" => ("Upgrade", "a protocol the sender wants to switch this connection to (websocket)", "RFC 9110, section 7.8"),
        "http.x_forwarded_for" => ("X-Forwarded-For", "the client addresses a proxy saw, added by the proxy (not standardized)", "RFC 7239 (its standard successor, Forwarded)"),
        _ => return None,
    };
    Story::new(read, vec![format!("{name}: {value}. This header field gives {what}.")])
}
