\version "2.24.0"
% Organ without names: a braced pair over a pedal staff; D minor.
\header { title = "Choral" tagline = ##f }
\score {
  <<
    \new PianoStaff <<
      \new Staff { \key d \minor \time 4/4 <d' f' a'>1 | <cis' e' a'>1 | }
      \new Staff { \clef bass \key d \minor <f a>1 | <e a>1 | }
    >>
    \new Staff { \clef bass \key d \minor d,1 | a,1 | }
  >>
}
