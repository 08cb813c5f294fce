export { largestTriangleThreeBuckets } from './downsample';
