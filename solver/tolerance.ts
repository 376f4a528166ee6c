/**
 * The solver's tolerances, one name per meaning. Sums of travel, service and load along a
 * route are floating-point and may miss an exact limit by rounding; these absorb that, and
 * nothing else (they are far below a second, a metre or a cost unit).
 */

/**
 * A limit counts as kept when exceeded by no more than this: window ends, shift and latest
 * ends, capacity, travel, work and minimum-work limits (`value > limit + SLACK` breaks it).
 * Where the compared values can be large (the joint schedule's start times) it is taken
 * relative: SLACK × max(1, |value|).
 */
export const SLACK = 1e-9;

/**
 * A change counts as a gain only when it lowers the cost by more than this (`after < before −
 * IMPROVEMENT`, or a screened delta below −IMPROVEMENT), so rounding noise never looks like
 * progress and never makes the search cycle. Relative, × max(1, |cost|), in the joint search.
 */
export const IMPROVEMENT = 1e-9;
