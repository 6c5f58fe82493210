// Moved to the shared contracts lib (issue #8); kept here so API code keeps its import path.
export { isValidFiness, isValidInseeCommune, isValidRpps, isValidSiret, luhnValid } from '@mtr/api-contracts';
