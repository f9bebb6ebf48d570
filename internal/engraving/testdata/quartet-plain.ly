\version "2.24.0"
% A string quartet without names: only its clefs and bracket; A major.
\header { title = "Quartet" tagline = ##f }
\score {
  \new StaffGroup <<
    \new Staff { \key a \major \time 3/4 cis''2 e''4 | a''2. | }
    \new Staff { \key a \major a'2 cis''4 | e''2. | }
    \new Staff { \clef alto \key a \major e'2 a'4 | cis''2. | }
    \new Staff { \clef bass \key a \major a,2 a4 | a,2. | }
  >>
}
