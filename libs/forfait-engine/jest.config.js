module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'forfait-engine' });
