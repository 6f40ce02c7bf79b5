const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/collector-plugin'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      // the .proto contract travels with the bundle: proto-loader reads it at start
      // and reflection serves the descriptor set buf built from it (libs/proto descriptorSetPath)
      assets: [
        { input: '../../proto', glob: '**/*.proto', output: 'proto' },
        { input: '../../libs/proto/src', glob: 'descriptor-set.binpb', output: '.' },
      ],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
  ],
};
