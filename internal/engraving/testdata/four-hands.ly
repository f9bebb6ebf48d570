\version "2.24.0"
% Piano four hands on one page: two braced pairs named Primo and Secondo; C major.
\header { title = "Marsch" tagline = ##f }
\score {
  <<
    \new PianoStaff \with { instrumentName = "Primo" } <<
      \new Staff { \time 2/4 <c'' e'' g''>2 | <b' d'' g''>2 | }
      \new Staff { <c' e' g'>2 | <b d' g'>2 | }
    >>
    \new PianoStaff \with { instrumentName = "Secondo" } <<
      \new Staff { \clef bass <c e g>2 | <b, d g>2 | }
      \new Staff { \clef bass c,2 | g,,2 | }
    >>
  >>
}
